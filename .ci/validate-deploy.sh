#!/usr/bin/env bash
# Validates Perennial's deployment files on a machine without a Docker engine (see docs/deploy.md):
#   1. docker-compose.yml with Debian's docker-compose 1.29 (`config` needs no engine), default and gpu profile,
#      with dummy secrets; and that it refuses to render without them (no default passwords).
#   2. the Dockerfiles: non-root user, HEALTHCHECK, and that every Dockerfile the compose file builds exists.
#   3. infra/: every YAML file parses, every JSON dashboard parses, kustomize structure and rules
#      (probes, resource requests, no Secret values, GPU only in the overlay); `kubectl kustomize` when kubectl exists.
# Installs docker-compose with apt when missing (quiet, idempotent). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'validate-deploy: %s\n' "$*"; }
die() { printf 'validate-deploy: FAIL: %s\n' "$*" >&2; exit 1; }

# ---- 0. tools -------------------------------------------------------------------------------------------
if ! command -v docker-compose >/dev/null 2>&1; then
  log "installing docker-compose (Debian package) with apt"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  apt_opts=(-y -qq -o DPkg::Lock::Timeout=120)
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install "${apt_opts[@]}" docker-compose >/dev/null 2>&1; then
    $sudo apt-get update -qq -o DPkg::Lock::Timeout=120 >/dev/null
    $sudo apt-get install "${apt_opts[@]}" docker-compose >/dev/null || die "cannot install docker-compose with apt"
  fi
fi

# A Python with PyYAML: Debian's docker-compose depends on python3-yaml, so /usr/bin/python3 normally has it.
py=""
for cand in python3 /usr/bin/python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import yaml' >/dev/null 2>&1; then py="$cand"; break; fi
done

# ---- 1. docker-compose ----------------------------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: > "$tmp/empty.env"           # ignore any developer .env: only the variables set below count
cat > "$tmp/dummy.env" <<'EOF'
PERENNIAL_DB_PASSWORD=ci-dummy-db-password
PERENNIAL_SERVICE_TOKEN=ci-dummy-service-token
PERENNIAL_ADMIN_PASSWORD=ci-dummy-admin-password
GRAFANA_ADMIN_PASSWORD=ci-dummy-grafana-password
EOF
compose() { env -u PERENNIAL_DB_PASSWORD -u PERENNIAL_SERVICE_TOKEN -u PERENNIAL_ADMIN_PASSWORD \
  -u GRAFANA_ADMIN_PASSWORD docker-compose -f docker-compose.yml "$@"; }

compose --env-file "$tmp/dummy.env" config -q || die "docker-compose config (default profile)"
compose --env-file "$tmp/dummy.env" --profile gpu config > "$tmp/gpu.yml" || die "docker-compose config (gpu profile)"
compose --env-file "$tmp/dummy.env" config > "$tmp/default.yml"
log "docker-compose config: default and gpu profiles render ($(docker-compose version --short 2>/dev/null || echo '?'))"

if compose --env-file "$tmp/empty.env" config -q >/dev/null 2>&1; then
  die "docker-compose.yml renders without the secret variables: every secret must use \${VAR:?...}"
fi
for v in PERENNIAL_DB_PASSWORD PERENNIAL_SERVICE_TOKEN PERENNIAL_ADMIN_PASSWORD GRAFANA_ADMIN_PASSWORD; do
  grep -v "^$v=" "$tmp/dummy.env" > "$tmp/missing.env"
  if compose --env-file "$tmp/missing.env" config -q >/dev/null 2>&1; then
    die "docker-compose.yml renders without $v"
  fi
done
log "docker-compose refuses to render without each required secret"

grep -q 'driver: nvidia' "$tmp/gpu.yml" || die "gpu profile has no NVIDIA device reservation"
grep -q 'DJL_FLAVOR: cu128' "$tmp/gpu.yml" || die "gpu profile does not build the cu128 flavour"
grep -q 'DJL_FLAVOR: cpu' "$tmp/default.yml" || die "default gpu-worker is not the cpu flavour"

# ---- 2. Dockerfiles -------------------------------------------------------------------------------------
dockerfiles=$(sed -n 's/^ *dockerfile: *//p' "$tmp/gpu.yml" | sort -u)
[ -n "$dockerfiles" ] || die "no Dockerfile referenced by docker-compose.yml"
for f in $dockerfiles; do
  [ -f "$f" ] || die "docker-compose.yml builds $f, which does not exist"
  grep -q '^HEALTHCHECK ' "$f" || die "$f has no HEALTHCHECK"
  grep -q '/actuator/health/readiness' "$f" || die "$f does not check /actuator/health/readiness"
  grep -Eq '^USER +[1-9][0-9]*' "$f" || die "$f does not switch to a numeric non-root USER"
  grep -q -- '-DskipTests' "$f" || die "$f does not build with Maven"
done
log "Dockerfiles: $(echo "$dockerfiles" | wc -l) checked (non-root, HEALTHCHECK on readiness)"

# Syntax lint with dockerfile-utils (npm, pinned) when npm is there; a failed install only skips it.
lint_dir="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/perennial-ci/dockerfile-utils-0.16.3"
lint="$lint_dir/node_modules/.bin/dockerfile-utils"
if [ ! -x "$lint" ] && command -v npm >/dev/null 2>&1; then
  mkdir -p "$lint_dir"
  timeout 90 npm install --prefix "$lint_dir" --silent --no-audit --no-fund dockerfile-utils@0.16.3 >/dev/null 2>&1 || true
fi
if [ -x "$lint" ]; then
  for f in $dockerfiles; do
    "$lint" lint "$f" || die "$f: dockerfile-utils lint"
  done
  log "Dockerfiles: dockerfile-utils lint clean"
else
  log "SKIP Dockerfile lint: dockerfile-utils (npm) not available"
fi

# ---- 3. infra/ ------------------------------------------------------------------------------------------
if [ -z "$py" ]; then
  log "SKIP infra YAML checks: no python3 with PyYAML found"
else
  "$py" - <<'EOF' || die "infra/ checks"
import glob, json, os, sys
import yaml

errors = []
docs_by_file = {}
for path in sorted(glob.glob("infra/**/*.yml", recursive=True) + glob.glob("infra/**/*.yaml", recursive=True)):
    try:
        with open(path) as fh:
            docs_by_file[path] = [d for d in yaml.safe_load_all(fh) if d is not None]
    except yaml.YAMLError as e:
        errors.append(f"{path}: YAML does not parse: {e}")
for path in sorted(glob.glob("infra/**/*.json", recursive=True)):
    try:
        with open(path) as fh:
            json.load(fh)
    except ValueError as e:
        errors.append(f"{path}: JSON does not parse: {e}")

def resources_of(kdir):
    k = docs_by_file.get(os.path.join(kdir, "kustomization.yaml"), [None])[0]
    if not k:
        errors.append(f"{kdir}: no kustomization.yaml")
        return []
    out = []
    for r in k.get("resources", []):
        p = os.path.normpath(os.path.join(kdir, r))
        if os.path.isdir(p):
            out += resources_of(p)
        elif not os.path.isfile(p):
            errors.append(f"{kdir}: resource {r} does not exist")
        else:
            out += [(p, d) for d in docs_by_file.get(p, [])]
    for patch in k.get("patches", []):
        if "path" in patch and not os.path.isfile(os.path.join(kdir, patch["path"])):
            errors.append(f"{kdir}: patch {patch['path']} does not exist")
    return out

base = resources_of("infra/k8s/base")
kinds = {}
for path, d in base:
    for key in ("apiVersion", "kind", "metadata"):
        if key not in d:
            errors.append(f"{path}: document without {key}")
    kinds.setdefault(d.get("kind"), []).append(d)
    if d.get("kind") == "Secret" and (d.get("data") or d.get("stringData")):
        errors.append(f"{path}: Secret values must not be committed")
    if d.get("kind") == "Deployment":
        name = d["metadata"]["name"]
        for c in d["spec"]["template"]["spec"]["containers"]:
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in c:
                    errors.append(f"{path}: {name} has no {probe}")
            req = c.get("resources", {}).get("requests", {})
            if "cpu" not in req or "memory" not in req:
                errors.append(f"{path}: {name} has no cpu/memory requests")
            if "nvidia.com/gpu" in str(c.get("resources")):
                errors.append(f"{path}: {name} requests a GPU in base (the GPU belongs in overlays/gpu)")
for kind in ("Kafka", "KafkaNodePool", "Cluster", "ConfigMap", "Deployment", "Service"):
    if kind not in kinds:
        errors.append(f"infra/k8s/base: no {kind}")
deployments = {d["metadata"]["name"] for d in kinds.get("Deployment", [])}
expected = {"console", "ingest-service", "drift-service", "trainer-service", "registry-service", "gpu-worker"}
if deployments != expected:
    errors.append(f"infra/k8s/base: Deployments {sorted(deployments)} != {sorted(expected)}")
gpu_overlay = "\n".join(open(p).read() for p in glob.glob("infra/k8s/overlays/gpu/*.yaml"))
if "nvidia.com/gpu: 1" not in gpu_overlay:
    errors.append("infra/k8s/overlays/gpu: no nvidia.com/gpu: 1 request")

if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print(f"validate-deploy: infra/: {len(docs_by_file)} YAML files parse; kustomize base has "
      f"{len(base)} resources, {len(deployments)} Deployments with probes and requests")
EOF
fi

if command -v kubectl >/dev/null 2>&1 && kubectl kustomize --help >/dev/null 2>&1; then
  for k in infra/k8s/base infra/k8s/overlays/gpu; do
    kubectl kustomize "$k" > "$tmp/kustomized.yaml" || die "kubectl kustomize $k"
  done
  log "kubectl kustomize: base and overlays/gpu build"
else
  log "SKIP kustomize build: kubectl not installed (structure checked above)"
fi

log "OK"
