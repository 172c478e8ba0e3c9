/**
 * htm bound to Preact: tagged templates instead of JSX, so the console needs no compile step besides esbuild's.
 * Typed as one VNode: a template with several roots gives an array, which Preact renders the same way.
 */
import htm from 'htm';
import { h, type VNode } from 'preact';

export const html = htm.bind(h) as (strings: TemplateStringsArray, ...values: unknown[]) => VNode;
