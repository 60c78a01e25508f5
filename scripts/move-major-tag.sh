#!/usr/bin/env bash
# Moves the major tag of a release to it, as the actions/* repositories do: after `v1.2.3` is released,
# `v1` points at the same commit, so `uses: exo/bench-action@v1` gets it. Plain git (no third-party
# action): the step is three commands, and the release workflow's token needs only contents: write.
#
#   scripts/move-major-tag.sh v1.2.3 [remote]     (remote: default origin)
#
# Refuses a tag that is not vX.Y.Z, a pre-release (vX.Y.Z-rc.1 leaves the major tag alone), and a tag
# that does not exist.
set -euo pipefail
tag="${1:?usage: move-major-tag.sh vX.Y.Z [remote]}"
remote="${2:-origin}"
if [[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+-.+$ ]]; then
  echo "$tag is a pre-release: the major tag stays where it is"
  exit 0
fi
if [[ ! "$tag" =~ ^v([0-9]+)\.[0-9]+\.[0-9]+$ ]]; then
  echo "not a release tag (vX.Y.Z): $tag" >&2
  exit 2
fi
major="v${BASH_REMATCH[1]}"
commit="$(git rev-parse --verify "refs/tags/$tag^{commit}")"
git tag --force "$major" "$commit"
git push --force "$remote" "refs/tags/$major"
echo "$major -> $tag ($commit)"
