#!/usr/bin/env bash
# install-units.sh PROFILE          installs the VaultMesh user units and PROFILE's environment file
# install-units.sh PROFILE --uninstall   removes PROFILE's environment file and stops its units; the
#                                        unit templates go when no other profile is left.
# Units go to ${XDG_CONFIG_HOME:-~/.config}/systemd/user, the environment file to
# ${XDG_CONFIG_HOME:-~/.config}/vaultmesh/PROFILE.env (an existing one is kept), the kill-switch
# files of the drop-ins to .../vaultmesh/kill-switches/. Exit codes: 0 done, 1 failed, 2 usage.
# See docs/operations.md.
set -euo pipefail

usage() {
  echo "usage: install-units.sh PROFILE [--uninstall]" >&2
  exit 2
}

profile=""
uninstall=0
for arg in "$@"; do
  case "$arg" in
    --uninstall) uninstall=1 ;;
    -h|--help) echo "usage: install-units.sh PROFILE [--uninstall]"; exit 0 ;;
    -*) echo "install-units: unknown option '$arg'" >&2; usage ;;
    *) [ -z "$profile" ] || usage; profile=$arg ;;
  esac
done
[ -n "$profile" ] || usage
# The same rule as profile names in config.toml: letters, digits, '.', '_' and '-'.
if ! [[ "$profile" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]]; then
  echo "install-units: '$profile' is not a valid profile name" >&2
  exit 2
fi

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
pack=$(cd "$here/.." && pwd)
config=${XDG_CONFIG_HOME:-$HOME/.config}
units="$config/systemd/user"
envdir="$config/vaultmesh"
jobs=(harbinger sealer anchor-manager federation)

have_user_manager() {
  command -v systemctl >/dev/null 2>&1 && systemctl --user show-environment >/dev/null 2>&1
}

if [ "$uninstall" -eq 1 ]; then
  if have_user_manager; then
    for job in "${jobs[@]}"; do
      systemctl --user disable --now "vaultmesh-$job@$profile.timer" >/dev/null 2>&1 || true
    done
    systemctl --user disable --now "vaultmesh-guardian@$profile.service" "vaultmesh-metrics@$profile.service" >/dev/null 2>&1 || true
  fi
  rm -f "$envdir/$profile.env"
  if ! compgen -G "$envdir/*.env" >/dev/null; then
    for unit in "$pack"/systemd/vaultmesh-*@.*; do
      rm -f "$units/$(basename "$unit")"
    done
    rm -rf "$envdir/kill-switches"
  fi
  if have_user_manager; then systemctl --user daemon-reload; fi
  echo "Removed profile '$profile' from $units and $envdir."
  exit 0
fi

mkdir -p "$units" "$envdir/kill-switches"
chmod 700 "$envdir"
for unit in "$pack"/systemd/vaultmesh-*@.*; do
  install -m 0644 "$unit" "$units/$(basename "$unit")"
done
for file in "$pack"/systemd/overrides/kill-switches/*.env; do
  install -m 0600 "$file" "$envdir/kill-switches/$(basename "$file")"
done
if [ -e "$envdir/$profile.env" ]; then
  echo "Kept the existing $envdir/$profile.env."
else
  sed "s/^VAULTMESH_PROFILE=.*/VAULTMESH_PROFILE=$profile/" "$pack/config/examples/guardian.env" > "$envdir/$profile.env"
  chmod 600 "$envdir/$profile.env"
fi
if have_user_manager; then
  systemctl --user daemon-reload
fi
echo "Installed the VaultMesh units for profile '$profile' into $units."
echo "Enable the jobs with:"
echo "  systemctl --user enable --now vaultmesh-harbinger@$profile.timer vaultmesh-sealer@$profile.timer vaultmesh-anchor-manager@$profile.timer"
echo "and either a guardian (federation endpoint and /metrics; New-VmIdentity and Add-VmPeer first) with its sync timer:"
echo "  systemctl --user enable --now vaultmesh-guardian@$profile.service vaultmesh-federation@$profile.timer"
echo "or, on a host without a guardian, the metrics endpoint alone:"
echo "  systemctl --user enable --now vaultmesh-metrics@$profile.service"
