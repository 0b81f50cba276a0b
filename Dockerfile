# syntax=docker/dockerfile:1

# Builds the server and seed commands as static binaries (CGO off: the
# final image has no C library to link against) and ships them in a small
# image that runs as an unprivileged user. Every asset they need (the
# curated dataset, the dashboard, GraphiQL's examples) is embedded.
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-alpine AS build
WORKDIR /src
# Modules first, so that a source change does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ENV CGO_ENABLED=0
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags='-s -w' -o /out/server ./server && \
    go build -trimpath -ldflags='-s -w' -o /out/seed ./seed

# Alpine rather than scratch: its busybox wget serves the health checks.
FROM alpine:3.22
RUN addgroup -S -g 10001 coalitiongraph && \
    adduser -S -D -H -u 10001 -G coalitiongraph coalitiongraph && \
    mkdir /data && chown coalitiongraph:coalitiongraph /data
COPY --from=build /out/server /out/seed /usr/local/bin/
USER 10001:10001
# Without NEO4J_URI the server keeps its embedded store here; mount a
# volume on it to keep writes.
ENV COALITIONGRAPH_DATA_DIR=/data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["/usr/local/bin/server"]
