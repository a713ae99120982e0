// mergekit's merge config as mergekit-yaml reads it, written down by reading the source of
// github.com/arcee-ai/mergekit at commit a6e402884ba9bc30da7f23e8304a35f19485de95 (2026-06-17):
//   mergekit/config.py            MergeConfiguration, InputModelDefinition, slices, ParameterSetting
//   mergekit/common.py            dtype_from_name (what dtype and out_dtype may say)
//   mergekit/merge_methods/registry.py, __init__.py and each method's parameters() /
//   tensor_parameters() (easy_define.py: a scalar argument is a global parameter, a List[float]
//   argument a per-model one; no default means required)
// mergekit-yaml loads the YAML with yaml.safe_load and validates it with pydantic, which ignores
// keys a model does not declare: a misspelled key is dropped silently, so mergekitSchema.test.ts
// treats an undeclared key as an error. Pydantic's lax mode lets a float field take an int or a
// bool (normalize: true is the documented form).
import type { PyDataclass, PyType } from './nanotronSchema';

export const MERGEKIT_COMMIT = 'a6e402884ba9bc30da7f23e8304a35f19485de95';

const int = { kind: 'int' } as const;
const str = { kind: 'str' } as const;
const opt = (of: PyType): PyType => ({ kind: 'optional', of });
const list = (of: PyType): PyType => ({ kind: 'list', of });
const dict = (of: PyType): PyType => ({ kind: 'dict', of });
const union = (...of: PyType[]): PyType => ({ kind: 'union', of });
const dc = (name: string): PyType => ({ kind: 'dataclass', name });
const req = (type: PyType) => ({ type, hasDefault: false });
const def = (type: PyType) => ({ type, hasDefault: true });

/** common.py dtype_from_name (a "torch." prefix is stripped first). */
export const MERGEKIT_DTYPES = ['bfloat16', 'float16', 'float32', 'int64'] as const;

/**
 * A number as pydantic's lax float takes it. Lax mode would also parse a numeric str (PyYAML's
 * reading of `1e-8`); the fixture does not accept one, so the export must write numbers that
 * every YAML 1.1 loader reads as numbers.
 */
const number: PyType = union({ kind: 'float' }, int, { kind: 'bool' });
/** config.py ScalarOrGradient = Union[float, List[float]]. */
const scalarOrGradient: PyType = union(number, list(number));
/** config.py ParameterSetting = Union[ConditionalParameter, List[ConditionalParameter], ScalarOrGradient]. */
const parameterSetting: PyType = union(dc('ConditionalParameter'), list(dc('ConditionalParameter')), scalarOrGradient);
/** common.py ModelReference: a path or Hugging Face id, optionally "+lora"; written as a str. */
const modelReference: PyType = str;

export interface MergekitMethod {
  file: string;
  /** parameters(): global, under the top-level `parameters`. */
  parameters: Record<string, { required: boolean }>;
  /** tensor_parameters(): per model (also accepted globally, for every model). */
  tensorParameters: Record<string, { required: boolean }>;
}

const opt_ = { required: false };
const req_ = { required: true };
const gta = (extra: Record<string, { required: boolean }> = {}): MergekitMethod => ({
  file: 'mergekit/merge_methods/generalized_task_arithmetic.py',
  parameters: { int8_mask: opt_, normalize: opt_, rescale: opt_, lambda: opt_ },
  tensorParameters: { weight: req_, density: opt_, ...extra },
});

/** Every name REGISTERED_MERGE_METHODS holds once mergekit.merge_methods is imported. */
export const MERGEKIT_METHODS: Record<string, MergekitMethod> = {
  linear: { file: 'mergekit/merge_methods/linear.py', parameters: { normalize: opt_ }, tensorParameters: { weight: req_ } },
  slerp: { file: 'mergekit/merge_methods/slerp.py', parameters: { t: req_ }, tensorParameters: {} },
  nuslerp: { file: 'mergekit/merge_methods/nuslerp.py', parameters: { nuslerp_row_wise: opt_, nuslerp_flatten: opt_ }, tensorParameters: { weight: req_ } },
  passthrough: { file: 'mergekit/merge_methods/passthrough.py', parameters: {}, tensorParameters: { scale: opt_ } },
  model_stock: { file: 'mergekit/merge_methods/model_stock.py', parameters: { filter_wise: opt_ }, tensorParameters: {} },
  arcee_fusion: { file: 'mergekit/merge_methods/arcee_fusion.py', parameters: {}, tensorParameters: {} },
  karcher: { file: 'mergekit/merge_methods/karcher.py', parameters: { max_iter: opt_, tol: opt_ }, tensorParameters: {} },
  task_arithmetic: gta(),
  ties: gta(),
  dare_ties: gta(),
  dare_linear: gta(),
  breadcrumbs: gta({ gamma: opt_ }),
  breadcrumbs_ties: gta({ gamma: opt_ }),
  della: gta({ epsilon: opt_ }),
  della_linear: gta({ epsilon: opt_ }),
  multislerp: { file: 'mergekit/merge_methods/multislerp.py', parameters: { normalize_weights: opt_, eps: opt_ }, tensorParameters: { weight: req_ } },
  nearswap: { file: 'mergekit/merge_methods/nearswap.py', parameters: { t: req_ }, tensorParameters: {} },
  sce: { file: 'mergekit/merge_methods/sce.py', parameters: { int8_mask: opt_, select_topk: opt_ }, tensorParameters: {} },
  ram: { file: 'mergekit/merge_methods/ram.py', parameters: { epsilon: opt_ }, tensorParameters: {} },
  ramplus_tl: { file: 'mergekit/merge_methods/ram.py', parameters: { r: opt_, alpha: opt_, epsilon: opt_ }, tensorParameters: {} },
};

export const MERGEKIT_MODELS: Record<string, PyDataclass> = {
  MergeConfiguration: {
    file: 'mergekit/config.py',
    fields: {
      modules: def(opt({ kind: 'unencoded', what: 'OutputModuleDefinition (modules)' })),
      slices: def(opt(list(dc('OutputSliceDefinition')))),
      models: def(opt(list(dc('InputModelDefinition')))),
      merge_method: req({ kind: 'enum', values: Object.keys(MERGEKIT_METHODS), where: 'merge_methods REGISTERED_MERGE_METHODS' }),
      base_model: def(opt(modelReference)),
      dtype: def(opt({ kind: 'enum', values: MERGEKIT_DTYPES, where: 'common.py dtype_from_name' })),
      tokenizer_source: def(opt(union({ kind: 'enum', values: ['union', 'base'], where: 'config.py Literal' }, modelReference))),
      tokenizer: def(opt({ kind: 'unencoded', what: 'TokenizerConfig (tokenizer/config.py)' })),
      chat_template: def(opt(str)),
      out_dtype: def(opt({ kind: 'enum', values: MERGEKIT_DTYPES, where: 'common.py dtype_from_name' })),
      parameters: def(opt(dict(parameterSetting))),
    },
  },
  InputModelDefinition: { file: 'mergekit/config.py', fields: { model: req(modelReference), parameters: def(opt(dict(parameterSetting))) } },
  ConditionalParameter: { file: 'mergekit/config.py', fields: { value: req(scalarOrGradient), filter: def(opt(str)) } },
  OutputSliceDefinition: {
    file: 'mergekit/config.py',
    fields: { sources: req(list(dc('InputSliceDefinition'))), base_model: def(opt(modelReference)), residual_weight: def(opt(number)), parameters: def(opt(dict(parameterSetting))) },
  },
  InputSliceDefinition: { file: 'mergekit/config.py', fields: { model: req(modelReference), layer_range: req(list(int)), parameters: def(opt(dict(parameterSetting))) } },
};
