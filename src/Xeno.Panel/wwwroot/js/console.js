// The serial console page (Pages/Vms/Console): xterm.js on the panel's console WebSocket.
// Guest output arrives as binary messages (UTF-8 bytes, decoded by xterm across chunks);
// keystrokes and pastes go back as UTF-8 bytes. Copy and paste are xterm.js's own: select
// to copy, the browser's paste to type the clipboard.
(function () {
  'use strict';
  var box = document.getElementById('terminal');
  var status = document.getElementById('console-status');
  var term = new Terminal({ cursorBlink: true, scrollback: 10000, fontSize: 14 });
  var fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(box);
  fit.fit();
  window.addEventListener('resize', function () { fit.fit(); });
  // For the browser tests and the curious: the terminal and its buffer.
  window.xenoTerminal = term;

  function show(state, text) {
    status.dataset.state = state;
    status.textContent = text;
    status.className = state === 'closed' ? 'error' : '';
  }

  var url = new URL(box.dataset.socket, window.location.href);
  url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  var socket = new WebSocket(url.href);
  socket.binaryType = 'arraybuffer';
  var encoder = new TextEncoder();

  socket.onopen = function () {
    show('open', 'Connected.');
    term.focus();
  };
  socket.onmessage = function (e) {
    term.write(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
  };
  socket.onclose = function (e) {
    show('closed', 'Disconnected' + (e.reason ? ': ' + e.reason : '') + '. Reload the page to connect again.');
  };
  term.onData(function (data) {
    if (socket.readyState === WebSocket.OPEN) socket.send(encoder.encode(data));
  });
  // Some keys (e.g. in mouse modes) come as raw bytes, one per character code.
  term.onBinary(function (data) {
    if (socket.readyState !== WebSocket.OPEN) return;
    var bytes = new Uint8Array(data.length);
    for (var i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i) & 0xff;
    socket.send(bytes);
  });
})();
