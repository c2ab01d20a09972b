# Shared by the scripts: configure (once) and build a Dyad build tree.
#   dyad_build DIR TARGETS [extra cmake -D options...]
# Uses clang-22 and lld from Debian's LLVM 22, and ccache when present.
dyad_build() {
  local dir=$1 targets=$2
  shift 2
  if [ ! -f "$dir/build.ninja" ]; then
    local launcher=()
    command -v ccache >/dev/null &&
      launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld \
      "${launcher[@]}" "$@" >/dev/null
  fi
  # Progress lines are dropped; warnings and errors stay visible.
  # shellcheck disable=SC2086
  ninja -C "$dir" $targets |
    { grep -vE '^\[[0-9]+/[0-9]+\] |^ninja: (Entering directory|no work to do)' || true; }
}
