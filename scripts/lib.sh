# Shared by scripts/build and scripts/test: install missing Debian packages and make the
# virtual environment. Sourced, not run.

# Install the Debian packages named, as root or through sudo, when any is missing.
apt_install() {
    [ "$#" -gt 0 ] || return 0
    local as_root
    if [ "$(id -u)" -eq 0 ]; then
        as_root=(env)
    elif command -v sudo >/dev/null 2>&1; then
        as_root=(sudo env)
    else
        echo "$(basename "$0"): needs the Debian packages $*; run as root or install sudo" >&2
        exit 1
    fi
    echo "$(basename "$0"): installing $*" >&2
    "${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# What WeasyPrint and python3 -m venv need from Debian, when it is not there yet.
runtime_packages() {
    python3 -c "import ensurepip" >/dev/null 2>&1 || echo python3-venv
    ldconfig -p | grep -q "libpango-1.0.so" || echo libpango-1.0-0
    ldconfig -p | grep -q "libpangoft2-1.0.so" || echo libpangoft2-1.0-0
    ldconfig -p | grep -q "libharfbuzz-subset.so" || echo libharfbuzz-subset0
    fc-list 2>/dev/null | grep -qi "DejaVuSans" || echo fonts-dejavu-core
}

# Create .venv (kept between runs) and install progen into it, with any extras given.
make_venv() {
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".${1:-}"
}
