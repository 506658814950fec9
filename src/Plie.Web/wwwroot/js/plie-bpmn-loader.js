// Loads the bpmn-js bundle (1.7 MB) and its stylesheets the first time a page needs a diagram, once.
window.plieBpmnReady = (function () {
  let loading = null;
  function css(href) {
    if (document.querySelector(`link[href="${href}"]`)) return;
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    document.head.appendChild(link);
  }
  return function () {
    if (window.PlieBpmn) return Promise.resolve(true);
    if (!loading) {
      const base = 'lib/plie-bpmn/';
      ['bpmn-js/diagram-js.css', 'bpmn-js/bpmn-js.css', 'bpmn-js/bpmn-font/css/bpmn.css', 'properties-panel.css', 'plie-bpmn.css']
        .forEach((f) => css(base + f));
      loading = new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = base + 'plie-bpmn.js';
        script.onload = () => resolve(true);
        script.onerror = () => { loading = null; reject(new Error('plie-bpmn.js could not be loaded')); };
        document.head.appendChild(script);
      });
    }
    return loading;
  };
})();
