#!/usr/bin/env bash
# Builds the release executables on the host (`swift build -c release`, the build
# scripts/bench uses too, so an existing .build/release is reused) and stages the image build
# context in .var/deploy/context (IMAGE_CONTEXT): executables, the Swift runtime libraries
# they link, the SwiftPM resource bundles, the portal; the postgres image's files.
source "$(dirname "$0")/lib.sh"
ensure_packages "${BUILD_PACKAGES[@]}"
swift_build release
stage_context "$BIN_DIR"
