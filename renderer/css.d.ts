/** Vite imports CSS files for their side effect (the styles); TypeScript needs to know they exist. */
declare module '*.css';
