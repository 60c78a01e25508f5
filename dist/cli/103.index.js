export const id = 103;
export const ids = [103];
export const modules = {

/***/ 103:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   startSimulatorForConfig: () => (/* binding */ startSimulatorForConfig)
/* harmony export */ });
/* harmony import */ var _simulator_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2982);

/** Starts a simulator shaped like the config's target; `profilePath` overrides the default profile. */
function startSimulatorForConfig(config, expectedNodes, profilePath) {
    const target = config.target;
    return (0,_simulator_index_js__WEBPACK_IMPORTED_MODULE_0__.startSimulator)({
        nodes: Math.max(1, expectedNodes),
        ...(target.kind === 'openai' ? { flavor: 'openai' } : {}),
        ...(profilePath
            ? { profile: profilePath }
            : target.kind === 'openai'
                ? { profile: { openai: { ..._simulator_index_js__WEBPACK_IMPORTED_MODULE_0__.DEFAULT_PROFILE.openai, model: target.model } } }
                : {}),
    });
}


/***/ })

};
