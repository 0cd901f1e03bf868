# Shared by the benchmarks in bench/: where things are, and the build of
# llama.cpp's own tools (llama-bench, llama-server) from the pinned source.
# Source it; it defines variables and functions and runs nothing.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
llama_src="${SUANLI_LLAMA_CPP_DIR:-$root/third_party/llama.cpp}"
cache="${SUANLI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/suanli}"
tools_build="$cache/llama-tools-build"
models_dir="$cache/models"
suanli="$root/build/bin/suanli"
make_test_model="$root/build/bin/make_test_model"
llama_bench="$tools_build/bin/llama-bench"
llama_server="$tools_build/bin/llama-server"
jobs="${SUANLI_BUILD_JOBS:-$(nproc)}"

die() { echo "error: $*" >&2; exit 1; }

# Builds llama-bench and llama-server into $tools_build unless they are
# already built from the same commit with the same configuration.
ensure_llama_tools() {
  cmake_args=(
    -DCMAKE_BUILD_TYPE=Release
    -DBUILD_SHARED_LIBS=OFF
    -DGGML_NATIVE=ON
    -DLLAMA_BUILD_TOOLS=ON
    -DLLAMA_BUILD_SERVER=ON
    -DLLAMA_BUILD_TESTS=OFF
    -DLLAMA_BUILD_EXAMPLES=OFF
    -DLLAMA_OPENSSL=OFF
    # llama-server embeds a web UI; without these the build would try to
    # download prebuilt UI assets from Hugging Face on every build.
    -DLLAMA_BUILD_UI=OFF
    -DLLAMA_USE_PREBUILT_UI=OFF
  )
  # ggml's AMX kernels crash during batched matmuls on some virtual machines
  # that report AMX (llama.cpp issue 20824). Our top-level CMakeLists.txt turns
  # them off with these flags on x86-64 (unless SUANLI_AMX=ON); do the same here
  # so that both sides run the same kernels.
  case "$(uname -m)" in
    x86_64 | amd64 | AMD64)
      if echo 'int main(void){return 0;}' |
         "${CC:-cc}" -mno-amx-int8 -x c - -o /dev/null 2>/dev/null; then
        no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
        cmake_args+=("-DCMAKE_C_FLAGS=$no_amx" "-DCMAKE_CXX_FLAGS=$no_amx")
      fi
      ;;
  esac
  if command -v ccache >/dev/null; then
    cmake_args+=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  generator=()
  if command -v ninja >/dev/null; then
    generator=(-G Ninja)
  fi

  # The build is skipped when both binaries exist, are newer than the source's
  # HEAD commit, and were built from that commit with the same configuration
  # (recorded in a stamp file). A source tree that is not a git checkout is
  # always handed to the build tool, which then rebuilds only what changed.
  src_commit="$(git -C "$llama_src" rev-parse HEAD 2>/dev/null || echo none)"
  src_time="$(git -C "$llama_src" log -1 --format=%ct HEAD 2>/dev/null || echo 0)"
  stamp="$tools_build/.suanli-build-stamp"
  want_stamp="$src_commit ${generator[*]} ${cmake_args[*]}"
  up_to_date=0
  if [ "$src_commit" != none ] && [ -x "$llama_bench" ] && [ -x "$llama_server" ] &&
     [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] &&
     [ "$(stat -c %Y "$llama_bench")" -gt "$src_time" ] &&
     [ "$(stat -c %Y "$llama_server")" -gt "$src_time" ]; then
    up_to_date=1
  fi

  if [ "$up_to_date" = 1 ]; then
    echo "==> llama-bench and llama-server are up to date (llama.cpp ${src_commit:0:12})"
  else
    echo "==> building llama-bench and llama-server from $llama_src (${src_commit:0:12}) into $tools_build"
    mkdir -p "$tools_build"
    # A cache made with another generator cannot be reconfigured; start over.
    if [ -f "$tools_build/CMakeCache.txt" ]; then
      want_gen="${generator[1]:-Unix Makefiles}"
      have_gen="$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' "$tools_build/CMakeCache.txt")"
      if [ "$have_gen" != "$want_gen" ]; then
        rm -rf "$tools_build"
        mkdir -p "$tools_build"
      fi
    fi
    build_start=$(date +%s)
    cmake -S "$llama_src" -B "$tools_build" "${generator[@]}" "${cmake_args[@]}" >"$tools_build/configure.log" 2>&1 ||
      { tail -n 40 "$tools_build/configure.log" >&2; die "configuring llama.cpp failed (log: $tools_build/configure.log)"; }
    cmake --build "$tools_build" --target llama-bench llama-server --parallel "$jobs" >"$tools_build/build.log" 2>&1 ||
      { tail -n 40 "$tools_build/build.log" >&2; die "building llama-bench failed (log: $tools_build/build.log)"; }
    echo "$want_stamp" >"$stamp"
    echo "    built in $(( $(date +%s) - build_start )) s"
  fi

}

# Writes the benchmark model for a make_test_model preset into $models_dir
# (once) and prints its path.
bench_model() {
  local model="$models_dir/$1.gguf"
  mkdir -p "$models_dir"
  if [ ! -f "$model" ]; then
    echo "==> generating $model" >&2
    "$make_test_model" --preset "$1" --out "$model" >&2 || die "make_test_model --preset $1 failed"
  fi
  echo "$model"
}
