/**
 * Contract of the CLI's output formatting: Go text/template (docker's --format, with docker's
 * extra functions json, join, table, title, split, lower, upper, pad, truncate, println),
 * docker's table layout (text/tabwriter with padding 3), and the `table`/`json`/plain
 * template conventions of `docker ps/images/... --format`.
 */
export { compileTemplate, goType, GoFloat, GoTime, goMap, goMethod, goTimeString, type Template, type CompileOptions, type ExecuteOptions, type TemplateFunc } from './template.js';
export { renderTable, tabwrite, DOCKER_TABLE, type TabwriterOptions } from './table.js';
export { formatItems, prepareFormat, type FormatItemsOptions, type Headers } from './items.js';
export { containerContext, imageContext, imageDigestsTable, historyContext, volumeContext, networkContext, statsContext, type ListContext } from './contexts.js';
export { sprintf } from './printf.js';
