# Build: cgo is needed by the SQLite driver.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/odi ./cmd/odi

# Run: a small Debian with only what the binary links against.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /data odi \
    && mkdir -p /data && chown odi /data
COPY --from=build /out/odi /usr/local/bin/odi
USER odi
WORKDIR /data
VOLUME /data
ENV ODI_ADDR=:8080 ODI_DB=/data/odi.db
EXPOSE 8080
# The port is the one ODI_ADDR listens on, whatever it is set to.
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s CMD curl -fsS "http://127.0.0.1:${ODI_ADDR##*:}/healthz" || exit 1
ENTRYPOINT ["odi"]
CMD ["serve"]
