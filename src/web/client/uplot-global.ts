// uPlot is loaded by its own <script> (/assets/uplot.js, served from the installed package and
// cached apart from our bundles) before the page's bundle, which reads the global it defines.
import type UPlot from 'uplot';

export const uPlot = (window as unknown as { uPlot: typeof UPlot }).uPlot;
