/** @type {import('prettier').Config} */
// The OCA 18.0 settings (OCA/queue@18.0: prettier.config.cjs), used by the
// manual prettier-xml hook of .pre-commit-config.yaml.
const config = {
  plugins: [require.resolve("@prettier/plugin-xml")],
  bracketSpacing: false,
  printWidth: 88,
  proseWrap: "always",
  semi: true,
  trailingComma: "es5",
  xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
