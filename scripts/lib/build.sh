# Publishes every Xeno program to out/<name>/ (Release, ReadyToRun). Sourced after common.sh.

publish_programs() {
  local entry name project
  for entry in "${XENO_PROGRAMS[@]}"; do
    name=${entry%%:*}
    project=${entry#*:}
    log "building $name"
    dotnet publish "$XENO_ROOT/$project" -c Release -r linux-x64 --self-contained false \
      -p:PublishReadyToRun=true -o "$XENO_ROOT/out/$name" -v quiet -nologo >/dev/null \
      || die "building $name failed (rerun: dotnet publish $project -c Release)"
  done
}

# Links the wrappers in bin/ into a directory on PATH. Admin tools go to sbin like Xen's,
# ahead of /usr/sbin where Debian's own xl lives.
install_programs() {
  local dest=${XENO_INSTALL_DIR:-/usr/local/sbin}
  local entry name
  mkdir -p "$dest"
  for entry in "${XENO_PROGRAMS[@]}"; do
    name=${entry%%:*}
    ln -sfn "$XENO_ROOT/bin/$name" "$dest/$name"
  done
  log "installed ${XENO_PROGRAMS[*]%%:*} into $dest"
}

# Installs the default host configuration once; an admin's edited copy is never replaced.
install_host_config() {
  local conf=/etc/xeno/xl.conf
  if [ ! -e "$conf" ]; then
    install -D -m 0644 "$XENO_ROOT/etc/xl.conf" "$conf"
    log "installed $conf"
  fi
}
