# syntax=docker/dockerfile:1
# plugin-host as one file: built statically (musl) with the site inside it by
# `cargo xtask build --release`, then alone on a minimal base. Configure it with environment
# variables (plugin-host/README.md); it listens on 0.0.0.0:$PORT.
#
#   docker build -t plugin-host .
#   docker run -p 8080:8080 -e PORT=8080 -e ACCOUNT_SID=… … plugin-host

FROM rust:1-bookworm AS build
# Node.js 20 for the plugin bundle and the site; musl-tools, the wasm32 and musl targets and
# wasm-bindgen are installed by `cargo xtask build` itself.
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
COPY --from=node:20-bookworm-slim /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
WORKDIR /src
COPY . .
RUN cargo xtask build --release

# CA certificates (for Twilio's HTTPS), a non-root user, nothing else.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/target/host/plugin-host-static /plugin-host
ENV PORT=8080 LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/plugin-host"]
