# Publishes every Xeno program to out/<name>/ (Release): Native AOT for XENO_AOT when the
# toolchain is present, else ReadyToRun (self-contained for XENO_SELF_CONTAINED). Sourced after common.sh.

publish_programs() {
  local entry name project aot=false
  if aot_toolchain_present; then aot=true; fi
  for entry in "${XENO_PROGRAMS[@]}"; do
    name=${entry%%:*}
    project=${entry#*:}
    # A previous build of the other kind would leave files behind that the new one does not own.
    rm -rf "${XENO_ROOT:?}/out/$name"
    if [[ " ${XENO_AOT[*]} " == *" $name "* ]]; then
      if $aot; then
        log "building $name (Native AOT)"
        publish_one "$name" "$project" -p:PublishAot=true
        # A Native AOT program is one native executable; a managed $name.dll beside it would mean
        # the publish quietly fell back to something else.
        [ -e "$XENO_ROOT/out/$name/$name.dll" ] && die "out/$name holds $name.dll: the Native AOT publish of $name did not produce a native program"
        continue
      fi
      log "note: clang or zlib1g-dev missing, so $name is built ReadyToRun (slower start) instead of Native AOT"
    fi
    publish_one "$name" "$project" $(ready_to_run_options "$name")
  done
}

# The ReadyToRun options of a program (self-contained for XENO_SELF_CONTAINED); logs the choice.
ready_to_run_options() {
  local self_contained=false
  [[ " ${XENO_SELF_CONTAINED[*]} " == *" $1 "* ]] && self_contained=true
  log "building $1 (ReadyToRun, self-contained: $self_contained)"
  echo "--self-contained $self_contained -p:PublishReadyToRun=true"
}

publish_one() {
  local name=$1 project=$2
  shift 2
  dotnet publish "$XENO_ROOT/$project" -c Release -r linux-x64 "$@" \
    -o "$XENO_ROOT/out/$name" -v quiet -nologo >/dev/null \
    || die "building $name failed (rerun: dotnet publish $project -c Release -r linux-x64 $*)"
}

# Links the programs into a directory on PATH. Admin tools go to sbin like Xen's, ahead of
# /usr/sbin where Debian's own xl lives. A Native AOT program (no managed <name>.dll beside it)
# is linked directly: the bin/ wrapper is a bash start and a readlink, several milliseconds on
# top of a command that itself takes a few (docs/publishing.md). Others go through bin/.
install_programs() {
  local dest=${XENO_INSTALL_DIR:-/usr/local/sbin}
  local entry name
  mkdir -p "$dest"
  for entry in "${XENO_PROGRAMS[@]}"; do
    name=${entry%%:*}
    if [[ " ${XENO_AOT[*]} " == *" $name "* ]] && [ -x "$XENO_ROOT/out/$name/$name" ] && [ ! -e "$XENO_ROOT/out/$name/$name.dll" ]; then
      ln -sfn "$XENO_ROOT/out/$name/$name" "$dest/$name"
    else
      ln -sfn "$XENO_ROOT/bin/$name" "$dest/$name"
    fi
  done
  # An alias is a symlink to what its program's link points at; the kernel keeps the alias
  # name in argv[0] for a native program, bin/xl passes it on with exec -a otherwise.
  for entry in "${XENO_ALIASES[@]}"; do
    ln -sfn "$(readlink "$dest/${entry#*:}")" "$dest/${entry%%:*}"
  done
  log "installed ${XENO_PROGRAMS[*]%%:*} ${XENO_ALIASES[*]%%:*} into $dest"
}

# Installs the default host configuration once; an admin's edited copy is never replaced.
install_host_config() {
  local conf=/etc/xeno/xl.conf
  if [ ! -e "$conf" ]; then
    install -D -m 0644 "$XENO_ROOT/etc/xl.conf" "$conf"
    log "installed $conf"
  fi
}

# With systemd as init, xenod runs as a service; elsewhere scripts/demo starts it on demand.
install_service() {
  [ -d /run/systemd/system ] || return 0
  install -m 0644 "$XENO_ROOT/etc/xenod.service" /etc/systemd/system/xenod.service
  systemctl daemon-reload
  systemctl enable --now xenod.service >/dev/null 2>&1 || log "could not start xenod.service (see journalctl -u xenod)"
}

# Starts `xenod run` for a prefix in the background unless one already answers.
ensure_xenod() {
  local prefix=$1 i
  if "$XENO_ROOT/bin/xl" --prefix "$prefix" list >/dev/null 2>&1; then return 0; fi
  mkdir -p "$prefix/var/log/xeno"
  log "starting xenod for prefix $prefix (log: $prefix/var/log/xeno/xenod.log)"
  setsid "$XENO_ROOT/bin/xenod" run --prefix "$prefix" </dev/null >>"$prefix/var/log/xeno/xenod.out" 2>&1 &
  for i in $(seq 1 60); do
    "$XENO_ROOT/bin/xl" --prefix "$prefix" list >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "xenod did not answer within 30 s (see $prefix/var/log/xeno/xenod.log)"
}
