"""Voila configuration of the instructor dashboard (read by ``neurosim dashboard`` only).

``neurosim dashboard`` runs Voila with ``--Voila.config_file_paths=<this directory>``, so this
is the only Voila config file the dashboard reads. The server listens on 127.0.0.1 only and
has no login (no token, no password): anyone who can reach the port can already do anything
the server allows. Each setting below says why it is there.
"""

c = globals()["get_config"]()  # provided by traitlets when it loads this file as a config

# --- no CDN: everything the page loads comes from this server -------------------------------
# The "neurosim" template (app/jupyter/voila/templates/neurosim, found through JUPYTER_PATH,
# which `neurosim dashboard` sets) is Voila's "lab" template without its two Font Awesome
# <link>s to cdn.jsdelivr.net; Voila's own voila-style.js already bundles the same Font Awesome
# 5.15.4 (with the v4 shims) and the server serves its fonts.
c.VoilaConfiguration.template = "neurosim"

c.Voila.tornado_settings = {
    # Closing (or reloading) a page shuts its kernel down: Voila's page sends
    # `POST /voila/api/shutdown/<kernel id>` with a `navigator.sendBeacon` on `beforeunload`,
    # and fills the `_xsrf` form field from the `_xsrf` cookie. Jupyter server only issues
    # that cookie when something reads `handler.xsrf_token`: a token login does, but this
    # server has no token, and Voila's page handler never reads it. So the field is empty and
    # every shutdown was refused ("403 ... '_xsrf' argument missing from POST"), leaving a
    # ~300 MB kernel per page load running until the server stopped.
    #
    # XSRF protection guards requests that a browser makes with its *credentials* (a login
    # cookie) on behalf of another site. With no authentication there is nothing to borrow:
    # what the check adds is refusing non-GET requests that another site's page makes the
    # browser send. Here those are that shutdown and DELETE /api/kernels/<id>, both of which
    # need the kernel's id (a random UUID4 that another site cannot read from our pages: the
    # same-origin policy forbids it; a cross-site DELETE is not even sent, it needs a CORS
    # preflight this server does not grant), and POST /login (a no-op without a token).
    # Jupyter server documents this setting for servers that run code without
    # authentication (ServerApp.disable_check_xsrf).
    # Do not combine it with a token or password login: re-enable the check then.
    "disable_check_xsrf": True,
    # Voila's own app turns jupyter_server's Host-header check off (allow_remote_access=True).
    # Turning it back on makes the server answer only requests addressed to localhost or a
    # loopback IP (all it can receive anyway: it binds 127.0.0.1), which blocks DNS-rebinding
    # (a web page whose host name is re-pointed at 127.0.0.1 to read and drive this server),
    # the one way another site could have found a kernel id.
    "allow_remote_access": False,
}

# --- idle-kernel culling: a safety net for kernels whose page never said goodbye ------------
# (a browser that crashed or was killed, a laptop that lost power, a request that was not a
# browser at all). Those kernels are disconnected and idle; culling shuts them down.
# A kernel whose page is open keeps its websocket connected, and `cull_connected = False`
# makes a connected kernel never culled, however long the lecturer talks without touching a
# slider; `cull_busy = False` spares a kernel in the middle of a computation.
# A page whose connection drops (laptop lid closed during the break, Wi-Fi gone) reconnects
# by itself when it comes back; its kernel must still be there, so the idle timeout (one
# hour, measured from the kernel's last message) outlasts a lecture break. Every 5 minutes
# the server looks for such kernels (a cheap scan), so an orphan goes within 65 minutes.
c.MappingKernelManager.cull_idle_timeout = 3600  # seconds idle (and disconnected) before culling
c.MappingKernelManager.cull_interval = 300  # seconds between two looks
c.MappingKernelManager.cull_connected = False  # never cull a kernel with an open page
c.MappingKernelManager.cull_busy = False  # never cull a kernel that is computing
