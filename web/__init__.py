"""The composition layer: pages and maps that put several apps together.

It sits above every domain app (earlybird < customers < orders < deliveries < billing <
legacy_import < web; import-linter keeps it so) and nothing imports it but Django itself
(ROOT_URLCONF, INSTALLED_APPS).
"""
