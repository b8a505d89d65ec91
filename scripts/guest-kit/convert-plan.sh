# Reader of the conversion plan disk `xl guest-convert` writes (docs/guests.md, "PV <-> HVM
# conversion"), sourced by the converter (/sbin/xeno-convert) of the rescue initramfs, and by the
# host's tests. Format (written by Xeno.GuestDisks' ConvertPlanDisk): the line
# "xeno-convert-plan 1", then "key=value" settings (target, partition, regenerate, bootloader,
# stamp; each once; and boot, the separate /boot partition's number or "-", at most once: "-" when
# not given), then operations, one a line:
#   write PATH SHA DATA     the file PATH (base64) gets DATA (base64); SHA is the sha256 of the
#                           text it must have now, or "-" when it must not exist
#   delete PATH SHA         the file PATH is removed (SHA as above, or "link" for a symbolic link)
#   link PATH TARGET        a symbolic link PATH -> TARGET (both base64) is made; PATH must not exist
#   diff DATA               the changes as a unified diff, kept with the backup
# then the line "end"; NUL padding fills the rest of the disk. Nothing past "end" is read.
#
# xeno_convert_plan SOURCE OUTDIR: writes OUTDIR/settings (key=value, checked), OUTDIR/ops (one
# "N KIND" a line) and for operation N the files N.path, N.sha, N.data, N.target, and
# OUTDIR/changes.diff; returns non-zero with the reason on stderr for anything else.
xeno_convert_plan() {
  # No globbing: operation lines are split into words below.
  set -f
  _xcp_parse "$1" "$2"
  _xcp_rc=$?
  set +f
  rm -f "$2/.raw"
  return $_xcp_rc
}

# Strict base64 (its alphabet, whole groups of four, '=' only at the end), decoded to a file.
_xcp_b64() {
  case "$1" in
    ""|*[!A-Za-z0-9+/=]*|*=*[!=]*|*===) return 1 ;;
  esac
  [ $((${#1} % 4)) -eq 0 ] || return 1
  printf '%s' "$1" | base64 -d > "$2" 2>/dev/null
}

# A guest path the planner may name: absolute, plain characters, no "." or ".." component.
_xcp_path() {
  _xcp_p="$(cat "$1")"
  [ "$(wc -c < "$1")" -eq "${#_xcp_p}" ] || return 1
  case "$_xcp_p" in
    /*) ;;
    *) return 1 ;;
  esac
  case "$_xcp_p" in
    *[!A-Za-z0-9/._@+-]*|*//*|*/./*|*/../*|*/.|*/..|*/) return 1 ;;
  esac
  return 0
}

_xcp_parse() {
  _xcp_src="$1"
  _xcp_out="$2"
  # At most 16 MiB; a NUL before "end" splits its line, which then is refused.
  head -c 16777216 "$_xcp_src" | tr '\000' '\n' > "$_xcp_out/.raw" || { echo "plan disk: cannot read $_xcp_src" >&2; return 1; }
  : > "$_xcp_out/settings"
  : > "$_xcp_out/ops"
  : > "$_xcp_out/changes.diff"
  _xcp_n=0
  _xcp_ops=0
  _xcp_state=header
  _xcp_seen=" "
  while IFS= read -r _xcp_line; do
    _xcp_n=$((_xcp_n + 1))
    if [ "$_xcp_state" = header ]; then
      [ "$_xcp_line" = "xeno-convert-plan 1" ] || { echo "plan disk: line 1 is not 'xeno-convert-plan 1'" >&2; return 1; }
      _xcp_state=body
      continue
    fi
    [ "$_xcp_line" = end ] && { _xcp_state=done; break; }
    # A setting is one word key=value; an operation's words are separated by blanks (base64 may end in '=').
    case "$_xcp_line" in
      *" "*) ;;
      *=*)
        _xcp_key="${_xcp_line%%=*}"
        _xcp_value="${_xcp_line#*=}"
        case "$_xcp_key" in
          target) case "$_xcp_value" in pv|hvm) ;; *) echo "plan disk: line $_xcp_n: target is not pv or hvm" >&2; return 1 ;; esac ;;
          partition) case "$_xcp_value" in [0-9]|[1-9][0-9]) ;; *) echo "plan disk: line $_xcp_n: bad partition number" >&2; return 1 ;; esac ;;
          boot) case "$_xcp_value" in -|[1-9]|[1-9][0-9]) ;; *) echo "plan disk: line $_xcp_n: bad /boot partition number" >&2; return 1 ;; esac ;;
          bootloader) case "$_xcp_value" in 0|1) ;; *) echo "plan disk: line $_xcp_n: bootloader is not 0 or 1" >&2; return 1 ;; esac ;;
          stamp) case "$_xcp_value" in [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z) ;; *) echo "plan disk: line $_xcp_n: bad stamp" >&2; return 1 ;; esac ;;
          regenerate)
            if [ "$_xcp_value" != "-" ]; then
              _xcp_b64 "$_xcp_value" "$_xcp_out/.regen" && _xcp_path "$_xcp_out/.regen" \
                || { echo "plan disk: line $_xcp_n: regenerate is not a guest path" >&2; return 1; }
              _xcp_value="$(cat "$_xcp_out/.regen")"
              rm -f "$_xcp_out/.regen"
            fi ;;
          *) echo "plan disk: line $_xcp_n: unknown setting" >&2; return 1 ;;
        esac
        case "$_xcp_seen" in *" $_xcp_key "*) echo "plan disk: line $_xcp_n: $_xcp_key given twice" >&2; return 1 ;; esac
        [ "$_xcp_ops" -eq 0 ] || { echo "plan disk: line $_xcp_n: a setting after the operations" >&2; return 1; }
        _xcp_seen="$_xcp_seen$_xcp_key "
        printf '%s=%s\n' "$_xcp_key" "$_xcp_value" >> "$_xcp_out/settings"
        continue ;;
    esac
    # shellcheck disable=SC2086 # words split on purpose: base64 has no blanks
    set -- $_xcp_line
    _xcp_kind="$1"
    case "$_xcp_kind:$#" in
      write:4|delete:3|link:3) ;;
      diff:2)
        _xcp_b64 "$2" "$_xcp_out/changes.diff" || { echo "plan disk: line $_xcp_n: the diff is not base64" >&2; return 1; }
        continue ;;
      *) echo "plan disk: line $_xcp_n: not an operation" >&2; return 1 ;;
    esac
    _xcp_ops=$((_xcp_ops + 1))
    _xcp_f="$_xcp_out/$_xcp_ops"
    _xcp_b64 "$2" "$_xcp_f.path" && _xcp_path "$_xcp_f.path" || { echo "plan disk: line $_xcp_n: the path is not a guest path" >&2; return 1; }
    case "$_xcp_kind" in
      write|delete)
        case "$3" in
          -|link) [ "$_xcp_kind:$3" != write:link ] || { echo "plan disk: line $_xcp_n: bad checksum" >&2; return 1; } ;;
          *) case "$3" in *[!0-9a-f]*) echo "plan disk: line $_xcp_n: bad checksum" >&2; return 1 ;; esac
             [ ${#3} -eq 64 ] || { echo "plan disk: line $_xcp_n: bad checksum" >&2; return 1; } ;;
        esac
        printf '%s' "$3" > "$_xcp_f.sha" ;;
    esac
    case "$_xcp_kind" in
      write) if [ "$4" = "-" ]; then : > "$_xcp_f.data"; else _xcp_b64 "$4" "$_xcp_f.data" || { echo "plan disk: line $_xcp_n: the data is not base64" >&2; return 1; }; fi ;;
      link) _xcp_b64 "$3" "$_xcp_f.target" && _xcp_path "$_xcp_f.target" || { echo "plan disk: line $_xcp_n: the link target is not a guest path" >&2; return 1; } ;;
    esac
    echo "$_xcp_ops $_xcp_kind" >> "$_xcp_out/ops"
  done < "$_xcp_out/.raw"
  [ "$_xcp_state" = done ] || { echo "plan disk: no 'end' line (truncated or not a plan disk)" >&2; return 1; }
  for _xcp_key in target partition regenerate bootloader stamp; do
    case "$_xcp_seen" in *" $_xcp_key "*) ;; *) echo "plan disk: no $_xcp_key" >&2; return 1 ;; esac
  done
  case "$_xcp_seen" in *" boot "*) ;; *) echo "boot=-" >> "$_xcp_out/settings" ;; esac
  return 0
}
