import sapphirePrettierConfig from '@sapphire/prettier-config';

/** Sapphire's shared style (tabs, single quotes, semicolons, no trailing commas) at this code's line length. */
export default { ...sapphirePrettierConfig, printWidth: 160 };
