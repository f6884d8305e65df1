# Stand-in for nginx:1.27, for CI machines that reach no container registry: Debian's own
# nginx, run in the foreground with its logs on the container's output, as the official
# image runs it. compose.yaml mounts the configuration (docker/nginx.conf).
FROM pact-standin/debian:bookworm
# No service starts inside an image build.
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d \
    && apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null \
    && rm -rf /var/lib/apt/lists/* \
    && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
STOPSIGNAL SIGQUIT
EXPOSE 80
CMD ["nginx", "-g", "daemon off;"]
