"""Models and deploys: hardened XML pre-parse, BPMN/DMN parsing, static checks, versions.

Owns turning uploaded files into process specs and storing one version per changed process.
May import: running (spec serialization), audit, timing, storage, errors, settings.
"""
