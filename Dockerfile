# syntax=docker/dockerfile:1
# Build: a static, reproducible binary (no cgo: SQLite is pure Go).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG REVISION=
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION} -X main.revision=${REVISION}" \
      -o /out/relance ./cmd/relance \
 && mkdir -p /out/data

# Run: distroless static image, non-root; CA certificates and time zone data
# come with it (the binary also embeds tzdata through Go's time/tzdata).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/relance /usr/local/bin/relance
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV RELANCE_DB=/data/relance.db \
    RELANCE_HTTP_ADDR=0.0.0.0:8025
VOLUME ["/data"]
EXPOSE 8025
ENTRYPOINT ["/usr/local/bin/relance"]
CMD ["run"]
