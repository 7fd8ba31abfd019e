# Class-data archives for short-lived JVMs (sourced by scripts/tensorgraph; see README, "Faster start-up").
#
# The first run of a command writes a dynamic class-data archive (-XX:ArchiveClassesAtExit) of the classes it
# loaded and linked; later runs map it (-XX:SharedArchiveFile) instead of reading, verifying and linking the
# classes again. An archive only fits the JVM and class path it was written with, so its name carries a hash of
# both and of the JVM options: a new build, another JDK or other options get an archive of their own. Anything
# that goes wrong (no cache directory, a read-only one, a full disk, an archive the JVM rejects) runs the
# command as if there were no archive, without a word.

# class_archive_path CACHE NAME CLASSPATH [JVM OPTION...]: the archive for NAME (the command) run on the java
# of the PATH with that class path and those options. Archives of the same NAME and class-path entries but an
# older key share a prefix, for class_archive_run to remove.
class_archive_path() {
  local cache="$1" name="$2" classpath="$3" java_bin jars
  shift 3
  java_bin="$(command -v java || true)"
  java_bin="$(readlink -f "$java_bin" 2>/dev/null || printf '%s' "$java_bin")"
  IFS=: read -r -a jars <<< "$classpath"
  local place key
  place="$(printf '%s\n' "${jars[@]}" | sha256sum | cut -c1-12)"
  key="$( { stat -L -c '%n %s %Y' -- "$java_bin" "${jars[@]}" 2>&1 || true; printf '%s\n' "$@"; } | sha256sum | cut -c1-16)"
  printf '%s/%s-%s-%s.jsa\n' "$cache" "$name" "$place" "$key"
}

# class_archive_run ARCHIVE JAVA-ARGUMENT...: runs java with the archive when it exists, in place of the shell
# (exec); else, when the archive's folder can be written, writes it on the way (under a private name, moved
# into place at the end, so that concurrent first runs cannot leave a torn one), removes the archives it
# replaces and returns java's exit status; else runs java without one, in place of the shell.
class_archive_run() {
  local archive="$1" dir
  shift
  dir="$(dirname "$archive")"
  if [ -f "$archive" ]; then
    exec java -XX:SharedArchiveFile="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off "$@"
  fi
  if ! mkdir -p "$dir" 2>/dev/null || ! [ -w "$dir" ]; then
    exec java "$@"
  fi
  local partial="$archive.$$.part" status=0
  java -XX:ArchiveClassesAtExit="$partial" -Xlog:cds=off -Xlog:cds+dynamic=off "$@" || status=$?
  if [ -s "$partial" ] && mv -f "$partial" "$archive" 2>/dev/null; then
    local base="${archive##*/}"
    find "$dir" -maxdepth 1 -name "${base%-*}-*.jsa" ! -name "$base" -delete 2>/dev/null || true
  else
    rm -f "$partial" 2>/dev/null || true
  fi
  return $status
}
