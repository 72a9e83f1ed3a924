"""Settings package: base.py holds what every environment shares; dev, test and
prod adjust it. DJANGO_SETTINGS_MODULE picks one (manage.py defaults to dev)."""
