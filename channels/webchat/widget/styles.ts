// The widget's look, put in a <style> of the host page: scoped by its .gru-chat classes, high contrast,
// a visible focus, the whole screen on a phone.
export const WIDGET_CSS =
  '.gru-chat-toggle{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;background:#000091;color:#fff;border:0;border-radius:2rem;padding:.8rem 1.2rem;font:600 1rem/1.2 system-ui,sans-serif;cursor:pointer}' +
  '.gru-chat-toggle:focus-visible,.gru-chat button:focus-visible,.gru-chat textarea:focus-visible,.gru-chat input:focus-visible{outline:3px solid #ff9940;outline-offset:2px}' +
  '.gru-chat{position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(24rem,calc(100vw - 2rem));height:min(40rem,calc(100vh - 6rem));overflow-y:auto;display:flex;flex-direction:column;background:#fff;color:#161616;border:1px solid #ddd;border-radius:.5rem;box-shadow:0 4px 24px rgba(0,0,0,.2);font:1rem/1.4 system-ui,sans-serif}' +
  '.gru-chat[hidden]{display:none}.gru-chat header{display:flex;justify-content:space-between;align-items:center;padding:.6rem .8rem;background:#000091;color:#fff;border-radius:.5rem .5rem 0 0}' +
  '.gru-chat header h2{font-size:1rem;margin:0}.gru-chat header button{background:none;border:0;color:#fff;font-size:1.4rem;cursor:pointer}' +
  '.gru-chat-log{flex:1 0 16rem;overflow-y:auto;padding:.8rem;margin:0}.gru-chat-log ol{list-style:none;margin:0;padding:0}.gru-chat-log li{margin:.4rem 0;padding:.5rem .7rem;border-radius:.5rem;max-width:85%;white-space:pre-wrap;word-wrap:break-word}' +
  '.gru-chat-log .in{background:#e3e3fd;margin-left:auto}.gru-chat-log .out{background:#f0f0f0}.gru-chat-log .info{background:none;color:#555;font-size:.85rem;max-width:100%}.gru-chat-log .error{background:#ffe9e9;color:#ce0500}' +
  '.gru-chat form{display:flex;flex-direction:column;gap:.4rem;padding:.6rem .8rem;border-top:1px solid #ddd}.gru-chat label{font-size:.85rem}.gru-chat textarea,.gru-chat input{font:inherit;padding:.4rem;border:1px solid #666;border-radius:.25rem}' +
  '.gru-chat form button{align-self:flex-end;background:#000091;color:#fff;border:0;border-radius:.25rem;padding:.5rem 1rem;font:inherit;cursor:pointer}.gru-chat .gru-chat-consent{font-size:.8rem;color:#555;margin:0}' +
  '.gru-chat-typing{min-height:1.2rem;padding:0 .8rem;font-size:.85rem;color:#555}' +
  '.gru-chat [hidden]{display:none!important}.gru-chat-log a{color:#000091;text-decoration:underline;overflow-wrap:anywhere}' +
  '.gru-chat-verify{padding:.4rem .8rem;border-top:1px solid #ddd;font-size:.9rem}.gru-chat-verify p{margin:0 0 .3rem}.gru-chat-verify button{background:#fff;color:#000091;border:1px solid #000091;border-radius:.25rem;padding:.3rem .6rem;font:inherit;cursor:pointer;margin:0 .3rem .3rem 0}.gru-chat-verify input{font:inherit;padding:.4rem;border:1px solid #666;border-radius:.25rem}.gru-chat-verify .gru-chat-row{align-items:flex-end}' +
  '.gru-chat-rate button{min-width:2.6rem;min-height:2.6rem;margin:.2rem .3rem 0 0;background:#fff;color:#000091;border:1px solid #000091;border-radius:.25rem;font:600 1rem system-ui,sans-serif;cursor:pointer}' +
  '.gru-chat .gru-chat-row{display:flex;flex-wrap:wrap;gap:.4rem}.gru-chat .gru-chat-row>span{display:flex;flex-direction:column;flex:1;min-width:6rem}' +
  /* A phone: the whole screen, so the conversation keeps room while the first fields show. */
  '@media (max-width:32rem),(max-height:40rem){.gru-chat{inset:0;width:100%;height:100%;border-radius:0;border:0}.gru-chat header{border-radius:0}.gru-chat textarea{min-height:2.6rem}}';
