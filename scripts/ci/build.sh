#!/usr/bin/env bash
# Builds the release addon of one target into native/: the release workflow
# runs it on the runner (macOS, Windows) or inside a container (Linux), and it
# works by hand the same way. Per target, what the build needs:
#
#   *-linux-gnu (x64, arm64)  a runner of that cpu; zig (cargo-zigbuild, from PyPI) links against
#                             glibc 2.28, so the addon loads on any glibc >= 2.28, like Node 18+ itself
#                             (a build on the runner's own glibc would need 2.34 or later)
#   armv7-*-gnueabihf         a Debian bullseye container with Debian's armhf cross gcc (glibc 2.31)
#   *-linux-musl              an Alpine container on a runner of the same cpu (native build)
#   *-apple-darwin            macOS runner (Xcode clang; x64 is cross-built on arm64)
#   x86_64-pc-windows-msvc    Windows runner; NASM on PATH (aws-lc's x86_64 assembly)
#   aarch64-pc-windows-msvc   Windows runner; clang-cl from Visual Studio (aws-lc needs it for arm64)
#   x86_64-unknown-freebsd    a FreeBSD VM (release workflow); native build
#
# aws-lc-sys (rustls's crypto provider) builds with its cc-crate builder on all
# of these: CMake is not needed, nor bindgen (its bindings are pregenerated).
#
#   scripts/ci/build.sh <rust-target>
#
# Output: native/rustls-node.<triple>.node and native/binding.d.ts, built
# with the `dist` profile (Cargo.toml: fat LTO, one codegen unit, stripped).
set -euo pipefail
cd "$(dirname "$0")/../.."

TARGET=${1:?usage: scripts/ci/build.sh <rust-target>}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# System packages a container lacks.
if [ -f /etc/alpine-release ]; then
  apk add --no-cache bash build-base cmake perl curl git rustup
elif [ -f /etc/debian_version ] && [ "$TARGET" = armv7-unknown-linux-gnueabihf ]; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends gcc-arm-linux-gnueabihf libc6-dev-armhf-cross curl ca-certificates
  export CC_armv7_unknown_linux_gnueabihf=arm-linux-gnueabihf-gcc
  export AR_armv7_unknown_linux_gnueabihf=arm-linux-gnueabihf-ar
  export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=arm-linux-gnueabihf-gcc
fi

# Rust, when the image has none (containers): rustup, minimal profile.
if ! command -v cargo >/dev/null 2>&1; then
  if [ -f "$HOME/.cargo/env" ]; then
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
  elif command -v rustup-init >/dev/null 2>&1; then
    rustup-init -y --profile minimal --default-toolchain stable
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
  else
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain stable
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
  fi
fi
rustup target add "$TARGET"

node --version
rustc --version

# glibc targets but ARMv7: zig pins the glibc version linked against.
cross=()
case "$TARGET" in
  *-linux-gnu)
    zig_env="${RUNNER_TEMP:-/tmp}/rustls-node-zig"
    if [ ! -x "$zig_env/bin/cargo-zigbuild" ]; then
      python3 -m venv "$zig_env"
      "$zig_env/bin/pip" install --quiet ziglang==0.14.1 cargo-zigbuild==0.24.1
    fi
    export PATH="$zig_env/bin:$PATH"
    cross=(-x --target "$TARGET.2.28")
    ;;
  *) cross=(--target "$TARGET") ;;
esac

# Not `npm ci`: it refuses a lock file without the platform packages of the
# version being built, which are published only after this build.
npm install --ignore-scripts --no-audit --no-fund

# napi-rs passes -C target-feature=-crt-static itself for musl targets (a
# cdylib cannot be built against a static C runtime).
npx napi build --platform --profile dist "${cross[@]}" \
  --manifest-path crates/node/Cargo.toml --output-dir native --no-js --dts binding.d.ts

ls -l native/
case "$TARGET" in
  *-linux-gnu) node scripts/ci/check-glibc.mjs native/rustls-node.*.node 2.28 ;;
  *-linux-gnueabihf) node scripts/ci/check-glibc.mjs native/rustls-node.*.node 2.31 ;;
esac
