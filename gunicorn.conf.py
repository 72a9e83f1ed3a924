"""Gunicorn settings, read from the environment; bin/entrypoint starts gunicorn with them.

HOST and PORT as for `make run`; WEB_CONCURRENCY worker processes, each with
GUNICORN_THREADS threads. The access log and gunicorn's own log go to stdout, and
each access line carries the request's X-Request-ID, as Django's log lines do.
"""

from shiporskip.env import env_int, env_str, exit_on_bad_config

with exit_on_bad_config():
    _host = env_str("HOST", "127.0.0.1")
    _port = env_int("PORT", 8000, minimum=1)
    workers = env_int("WEB_CONCURRENCY", 2, minimum=1)
    threads = env_int("GUNICORN_THREADS", 4, minimum=1)
    timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
    loglevel = env_str("GUNICORN_LOG_LEVEL", "info")

# An IPv6 address needs brackets before its port.
bind = [f"[{_host}]:{_port}" if ":" in _host and not _host.startswith("[") else f"{_host}:{_port}"]
wsgi_app = "shiporskip.wsgi:application"
worker_class = env_str("GUNICORN_WORKER_CLASS", "gthread")
# Load Django once in the master: a configuration error stops gunicorn at once with
# its one-line message instead of failing every worker's boot, and workers share memory.
preload_app = True
# Forwarded headers are trusted only from FORWARDED_ALLOW_IPS (gunicorn reads it;
# default loopback), i.e. from the proxy in front.

accesslog = "-"
errorlog = "/dev/stdout"
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s "%(f)s" "%(a)s"'
)
# No control socket: we never use gunicornc, and it would write into $HOME.
control_socket_disable = True
