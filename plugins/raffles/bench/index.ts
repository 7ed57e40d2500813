import { definePluginBench } from '#test/helpers/pluginBench';
import { benchDraw } from './drawBench.js';

export default definePluginBench({
	section: 'raffles',
	run: (tools) => benchDraw(tools)
});
