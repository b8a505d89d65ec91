# Shared helpers for the set-up and test scripts. Sourced, not run.

XENO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export XENO_ROOT

# What running Xeno needs on the host (guests, guest kit, disk tools, guest networking: ip,
# nft, dnsmasq), and the native toolchain Native AOT links with (clang, zlib; see XENO_AOT).
XENO_RUNTIME_PACKAGES=(
  qemu-system-x86 qemu-utils ovmf seabios
  busybox-static cpio e2fsprogs dosfstools mtools xorriso isolinux syslinux syslinux-common xz-utils
  extlinux gdisk fdisk kmod binutils
  clang zlib1g-dev
  iproute2 nftables dnsmasq-base
  # BIOS GRUB 2 and grub-mkrescue for the GRUB chain-load CD (xl guest-chainload-cd); the
  # GRUB differential test installs the same GRUB on its disks (grub-mkimage, boot.img).
  grub-pc-bin grub-common
)
# What the tests need on top: Debian's real Xen tools as compatibility oracles (xl, xenstore
# tools, the vif-* hotplug scripts, which call brctl and iptables), a C compiler for the small
# oracle programs that link Xen's own libxlutil, iperf3 for the rate tests, mmdebstrap for
# the real Debian guest image (scripts/debian-image/build), and OpenSSH's server and client for
# xl migrate's default transport between two "hosts" (network namespaces, each its own sshd),
# socat for Ganeti's `xl migrate -s "socat …"` form and a transport killed mid-migration,
# headless Chromium with its WebDriver for xeno-panel's browser tests (tests/Xeno.Panel.Tests/InBrowser),
# and PostgreSQL's server, which xeno-panel's data tests start (initdb, pg_ctl) to run against
# PostgreSQL as well as SQLite.
XENO_TEST_PACKAGES=(
  xen-utils-4.17 xenstore-utils libxen-dev gcc libc6-dev python3
  bridge-utils iptables iperf3 mmdebstrap openssh-server openssh-client
  socat
  chromium chromium-driver
  postgresql
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the given Debian packages, skipping apt entirely when all are present so a
# second run is quick and changes nothing. xen-utils pulls in a hypervisor and grub
# through Recommends; we only want its tools, hence --no-install-recommends.
install_packages() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "system packages: all present"
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || die "installing ${missing[*]} needs root (run as root or with sudo)"
  log "installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK (dotnet) is required on PATH"
  local major
  major=$(dotnet --version 2>/dev/null | cut -d. -f1)
  [ "${major:-0}" -ge 10 ] || die "the .NET SDK 10 or newer is required (found $(dotnet --version 2>/dev/null))"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}

# The programs Xeno installs, and the project each is published from.
XENO_PROGRAMS=(
  "xl:src/Xeno.Cli/Xeno.Cli.csproj"
  "xenod:src/Xeno.Daemon/Xeno.Daemon.csproj"
  "xeno-pygrub:src/Xeno.Pygrub/Xeno.Pygrub.csproj"
  "xeno-panel:src/Xeno.Panel/Xeno.Panel.csproj"
)
# Published self-contained: the trimmed framework and the program compiled into one composite
# ReadyToRun image, for start-up time (xeno-pygrub races Xen's pygrub; see docs/pygrub.md).
XENO_SELF_CONTAINED=(xeno-pygrub)
# Published with Native AOT when the toolchain is present (aot_toolchain_present), for start-up
# time: an `xl list` or a pygrub run is mostly process start (bench/Xeno.Xl.Bench,
# bench/Xeno.Boot.Bench; docs/publishing.md).
# Elsewhere they fall back to their ReadyToRun build above, with a note.
XENO_AOT=(xl xeno-pygrub)
# Other names of installed programs (alias:program): xl reads argv[0] (docs/commands.md).
XENO_ALIASES=(xentop:xl xm:xl)

# True when Native AOT can link here: ILCompiler drives clang and links zlib. A real link of an
# empty program, so a half-installed toolchain counts as absent.
aot_toolchain_present() {
  command -v clang >/dev/null 2>&1 || return 1
  local probe
  probe=$(mktemp -d) || return 1
  printf 'int main(void){return 0;}\n' >"$probe/p.c"
  clang "$probe/p.c" -lz -o "$probe/p" >/dev/null 2>&1
  local rc=$?
  rm -rf "$probe"
  return $rc
}
