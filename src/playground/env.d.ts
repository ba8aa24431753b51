// Style sheets imported by the page are bundled by vite.
declare module '*.css';
