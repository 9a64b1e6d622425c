"""The systemd unit: it verifies, and its exposure score stays at most 1.5 (issue 14: with
exec: sources, commands run under it)."""
import os
import re
import shutil
import subprocess
import tempfile

from testlib import BUILDDIR, SRCDIR, done, ok, skip

if shutil.which("systemd-analyze") is None:
    skip("systemd-analyze not installed")
tmp = tempfile.mkdtemp()
with open(os.path.join(SRCDIR, "etc", "feedd.service.in")) as f:
    unit = f.read().replace("@bindir@", os.path.abspath(BUILDDIR)).replace("@sysconfdir@", tmp)
path = os.path.join(tmp, "feedd.service")
with open(path, "w") as f:
    f.write(unit)
for key in ("Type=notify", "NotifyAccess=main", "ExecReload=/bin/kill -HUP $MAINPID",
            "DynamicUser=yes", "StateDirectory=feedd", "WatchdogSec=", "ProtectSystem=strict",
            "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "MemoryDenyWriteExecute=yes",
            "SystemCallFilter=@system-service", "UMask=0077", "CapabilityBoundingSet=\n",
            "NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectHome=yes"):
    ok(key in unit, "unit has " + key.strip())
p = subprocess.run(["systemd-analyze", "verify", "--man=no", path], capture_output=True)
out = (p.stdout + p.stderr).decode()
ok(p.returncode == 0, "systemd-analyze verify: %s" % out.strip())
p = subprocess.run(["systemd-analyze", "security", "--offline=true", path], capture_output=True)
m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", (p.stdout + p.stderr).decode())
ok(m is not None and float(m.group(1)) <= 1.5,
   "exposure score at most 1.5: %s" % (m.group(1) if m else "none"))
shutil.rmtree(tmp)
done()
