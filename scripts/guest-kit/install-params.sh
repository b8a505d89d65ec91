# Reader of the install parameter disk `xl guest-install` writes (docs/guests.md, "Autoinstaller"),
# sourced by the installer (/sbin/xeno-install) of the rescue initramfs, and by the host's tests.
# Format (written by Xeno.Config's InstallParameterDisk): the line "xeno-install-parameters 1",
# then "key=value" lines whose value is base64 (so a password may hold any byte but newline and
# NUL), each key at most once and from a fixed set, then the line "end"; NUL padding fills the
# rest of the disk. Nothing past "end" is read.
#
# xeno_install_params SOURCE OUTDIR: writes each value, decoded, to OUTDIR/<key>; returns
# non-zero with the reason on stderr for anything that is not exactly this format.
xeno_install_params() {
  _xip_parse "$1" "$2"
  _xip_rc=$?
  rm -f "$2/.raw"
  return $_xip_rc
}

_xip_parse() {
  _xip_src="$1"
  _xip_out="$2"
  # At most 64 KiB; a NUL before "end" splits its line, which then is refused.
  head -c 65536 "$_xip_src" | tr '\000' '\n' > "$_xip_out/.raw" || { echo "parameter disk: cannot read $_xip_src" >&2; return 1; }
  _xip_n=0
  _xip_state=header
  _xip_seen=" "
  while IFS= read -r _xip_line; do
    _xip_n=$((_xip_n + 1))
    if [ "$_xip_state" = header ]; then
      [ "$_xip_line" = "xeno-install-parameters 1" ] || { echo "parameter disk: line 1 is not 'xeno-install-parameters 1'" >&2; return 1; }
      _xip_state=body
      continue
    fi
    if [ "$_xip_line" = end ]; then
      _xip_state=done
      break
    fi
    _xip_key="${_xip_line%%=*}"
    _xip_value="${_xip_line#*=}"
    [ "$_xip_key" != "$_xip_line" ] || { echo "parameter disk: line $_xip_n has no '='" >&2; return 1; }
    case "$_xip_key" in
      hostname|root-password|authorized-keys) ;;
      *) echo "parameter disk: line $_xip_n: unknown key" >&2; return 1 ;;
    esac
    case "$_xip_seen" in *" $_xip_key "*) echo "parameter disk: line $_xip_n: $_xip_key given twice" >&2; return 1 ;; esac
    _xip_seen="$_xip_seen$_xip_key "
    # Strict base64: its alphabet, whole groups of four, '=' only at the end.
    case "$_xip_value" in
      ""|*[!A-Za-z0-9+/=]*|*=*[!=]*|*===) echo "parameter disk: line $_xip_n: $_xip_key is not base64" >&2; return 1 ;;
    esac
    [ $((${#_xip_value} % 4)) -eq 0 ] || { echo "parameter disk: line $_xip_n: $_xip_key is not base64" >&2; return 1; }
    printf '%s' "$_xip_value" | base64 -d > "$_xip_out/$_xip_key" 2>/dev/null \
      || { echo "parameter disk: line $_xip_n: $_xip_key is not base64" >&2; return 1; }
  done < "$_xip_out/.raw"
  [ "$_xip_state" = done ] || { echo "parameter disk: no 'end' line (truncated or not a parameter disk)" >&2; return 1; }
  [ -f "$_xip_out/hostname" ] || { echo "parameter disk: no hostname" >&2; return 1; }
  [ -f "$_xip_out/root-password" ] || [ -f "$_xip_out/authorized-keys" ] \
    || { echo "parameter disk: neither root-password nor authorized-keys" >&2; return 1; }
  return 0
}
