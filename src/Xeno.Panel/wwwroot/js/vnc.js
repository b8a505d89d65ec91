// The graphical console page (Pages/Vms/Vnc): noVNC (vendored under /lib/novnc, an ES module)
// on the panel's VNC WebSocket, which carries RFB in binary messages. The panel and xenod have
// checked the viewer; the VNC server asks no password of this connection.
import RFB from '/lib/novnc/core/rfb.js';

const screen = document.getElementById('screen');
const status = document.getElementById('vnc-status');
const cad = document.getElementById('vnc-cad');

function show(state, text) {
  status.dataset.state = state;
  status.textContent = text;
  status.className = state === 'closed' ? 'error' : '';
}

const url = new URL(screen.dataset.socket, window.location.href);
url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
// No WebSocket subprotocol: the panel's socket speaks raw binary RFB.
const rfb = new RFB(screen, url.href, { shared: true, wsProtocols: [] });
rfb.scaleViewport = true;
rfb.focusOnClick = true;
// For the browser tests and the curious.
window.xenoVnc = rfb;

rfb.addEventListener('connect', () => {
  show('connected', 'Connected.');
  cad.disabled = false;
});
rfb.addEventListener('disconnect', (e) => {
  cad.disabled = true;
  show('closed', (e.detail.clean ? 'Disconnected' : 'The connection was lost') + '. Reload the page to connect again.');
});
rfb.addEventListener('securityfailure', (e) => {
  show('closed', 'The VNC server refused the connection' + (e.detail.reason ? ': ' + e.detail.reason : '') + '.');
});
rfb.addEventListener('desktopname', (e) => {
  document.title = e.detail.name + ' · ' + document.title;
});
cad.addEventListener('click', () => rfb.sendCtrlAltDel());
