// The charts' colours of languages: one colour per language everywhere, the same in the studio
// and in exported reports (core/languageColors.ts).
export { corpusColor, languageColor } from '../../core/languageColors';
