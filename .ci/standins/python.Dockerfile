# Stand-in for python:3.11-slim, for CI machines that reach no container registry: Debian
# bookworm's own Python 3.11 in a virtual environment first on PATH, so `python`, `pip` and
# installed scripts behave as in the real image. pip trusts the system's CA store, which in
# the stand-ins holds the host's local CAs too (see build).
FROM pact-standin/debian:bookworm
ENV LANG=C.UTF-8 \
    PATH=/usr/local/python/bin:$PATH \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /usr/local/python
CMD ["python3"]
