# syntax=docker/dockerfile:1
# Lisa in a container: `docker compose up` (see docker-compose.yml), or
#   docker build -t lisa . && docker run -p 8080:8080 -v lisa-data:/data lisa

# Build: SQLite (mattn/go-sqlite3) needs cgo, so the build image has gcc and the runtime
# image has the same glibc (both Debian 12, bookworm).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=1 go build -trimpath -ldflags='-s -w' -o /out/lisa ./cmd/lisa

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 lisa \
    && useradd --system --uid 10001 --gid lisa --home-dir /data --no-create-home --shell /usr/sbin/nologin lisa \
    && mkdir -p /data \
    && chown lisa:lisa /data
COPY --from=build /out/lisa /usr/local/bin/lisa
ENV LISA_DB=/data/lisa.db \
    LISA_ADDR=0.0.0.0:8080 \
    TZ=Europe/Stockholm
WORKDIR /data
VOLUME ["/data"]
USER lisa:lisa
EXPOSE 8080
# No HEALTHCHECK: the slim image has no curl or wget; GET /healthz answers "ok" for an
# orchestrator's HTTP probe.
CMD ["lisa", "serve"]
