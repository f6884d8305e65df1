# retry COMMAND...: run a command that can fail for reasons outside the project (a package
# download), up to three times, 10 s apart, before failing.
retry() {
    local attempt
    for attempt in 1 2 3; do
        "$@" && return 0
        [ "$attempt" = 3 ] || { echo "retrying in 10 s: $*" >&2; sleep 10; }
    done
    return 1
}
