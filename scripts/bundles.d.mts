// Types of scripts/bundles.mjs for the tests that use it.
export declare const ROOT: string;
export declare const OUT: string;
export declare function buildBrowserBundle(): Promise<string>;
export declare function buildNodeBundle(): Promise<string>;
