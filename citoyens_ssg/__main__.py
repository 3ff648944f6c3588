from citoyens_ssg.cli import main

raise SystemExit(main())
