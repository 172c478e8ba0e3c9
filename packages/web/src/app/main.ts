/** The console's entry: styles, then the app in <body>. */
import 'uplot/dist/uPlot.min.css';
import './style.css';
// The node view's styles, here so that they are in console.css when its chunk loads later.
import './node/node.css';
import { render } from 'preact';
import { html } from './html.ts';
import { App } from './shell.ts';

render(html`<${App} />`, document.getElementById('app') as HTMLElement);
// Preact renders synchronously: the page is drawn (without the node's answers yet) from here. Tests and curious
// users read it in the browser's performance timeline.
performance.mark('console-first-render');
