"""The volunteer's loop: ``server`` (make serve, rebuild on save, live reload),
``check`` (every problem of a network, nothing published) and ``links`` (the links of a
built network).
"""
