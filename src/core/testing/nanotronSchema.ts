// nanotron's training config as its loader sees it: the dataclasses of
//   src/nanotron/config/config.py, models_config.py, parallelism_config.py, utils_config.py,
//   lighteval_config.py
// at github.com/huggingface/nanotron commit 2411b022a75fb7f7561a1bb4166706da5e1b76de (2026-04-07),
// written down by reading that source. get_config_from_dict loads a YAML with PyYAML's SafeLoader
// and dacite.from_dict(Config, data, dacite.Config(cast=[Path], type_hooks={torch.dtype,
// PipelineEngine, TensorParallelLinearMode, RecomputeGranularity, InitScalingMethod,
// SamplerType}, strict=True)): strict refuses a key the dataclass does not declare; a field
// without a default is required unless it is Optional (dacite fills a missing Optional with
// None); a float field refuses an int; the type hooks turn strings into enums, so those strings
// must be among the names the hook accepts. Checks nanotron makes in __post_init__ or later
// (helpers.py, run_train.py) are noted where they narrow a type.
// nanotronSchema.test.ts checks the studio's exported configs against this.

export type PyType =
  | { kind: 'int' | 'float' | 'bool' | 'str' }
  /** A str dacite casts to pathlib.Path (or datasets' xPath, a Path subclass). */
  | { kind: 'path' }
  /** A str that must be one of `values` (a type hook, a Literal, or a __post_init__ check); `where` says which. */
  | { kind: 'enum'; values: readonly string[]; caseInsensitive?: boolean; where: string }
  | { kind: 'optional'; of: PyType }
  | { kind: 'list'; of: PyType }
  | { kind: 'dict'; of: PyType }
  /** dacite tries the members in order and takes the first that loads. */
  | { kind: 'union'; of: PyType[] }
  | { kind: 'dataclass'; name: string }
  | { kind: 'any' }
  /** A type this fixture does not spell out; the export must write null there (or leave it out). */
  | { kind: 'unencoded'; what: string };

export interface PyField {
  type: PyType;
  /** Has a default in the dataclass (or is Optional, which dacite fills with None). */
  hasDefault: boolean;
}

export interface PyDataclass {
  file: string;
  fields: Record<string, PyField>;
}

export const NANOTRON_COMMIT = '2411b022a75fb7f7561a1bb4166706da5e1b76de';

const int = { kind: 'int' } as const;
const float = { kind: 'float' } as const;
const bool = { kind: 'bool' } as const;
const str = { kind: 'str' } as const;
const path = { kind: 'path' } as const;
const any = { kind: 'any' } as const;
const opt = (of: PyType): PyType => ({ kind: 'optional', of });
const list = (of: PyType): PyType => ({ kind: 'list', of });
const dict = (of: PyType): PyType => ({ kind: 'dict', of });
const union = (...of: PyType[]): PyType => ({ kind: 'union', of });
const dc = (name: string): PyType => ({ kind: 'dataclass', name });
const enumOf = (values: readonly string[], where: string, caseInsensitive = false): PyType => ({ kind: 'enum', values, where, caseInsensitive });
const req = (type: PyType): PyField => ({ type, hasDefault: false });
const def = (type: PyType): PyField => ({ type, hasDefault: true });

/** utils_config.py str_to_dtype: what cast_str_to_torch_dtype accepts. */
export const TORCH_DTYPES = ['float32', 'float64', 'complex64', 'complex128', 'float16', 'bfloat16', 'uint8', 'int8', 'int16', 'int32', 'int64', 'bool'] as const;
/** utils_config.py cast_str_to_pipeline_engine. */
export const PP_ENGINES = ['afab', '1f1b'] as const;
/** parallel/tensor_parallel/enum.py TensorParallelLinearMode, looked up as TensorParallelLinearMode[x.upper()]. */
export const TP_MODES = ['ALL_REDUCE', 'REDUCE_SCATTER'] as const;
/** utils_config.py InitScalingMethod, looked up by x.upper(). */
export const INIT_SCALING_METHODS = ['NONE', 'NUM_LAYERS', 'LAYER_INDEX', 'MODEL_SCALE'] as const;
/** config.py LoggingArgs.__post_init__. */
export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical', 'passive'] as const;
/** config.py LRSchedulerArgs.__post_init__ (and helpers.py lr_scheduler_builder). */
export const LR_WARMUP_STYLES = ['linear', 'constant'] as const;
export const LR_DECAY_STYLES = ['linear', 'cosine', '1-sqrt'] as const;
/** helpers.py init_optimizer_and_grad_accumulator: optimizer_factory.name == "adamW" / "sgd", anything else raises. */
export const OPTIMIZER_NAMES = ['adamW', 'sgd'] as const;
/** nn/activations.py ACT2CLS: the names ACT2FN (models/llama.py's MLP) looks up. */
export const ACTIVATIONS = ['gelu', 'gelu_10', 'gelu_fast', 'gelu_new', 'gelu_python', 'gelu_pytorch_tanh', 'gelu_accurate', 'laplace', 'linear', 'mish', 'quick_gelu', 'relu', 'relu2', 'relu6', 'sigmoid', 'silu', 'swish', 'tanh'] as const;
/** nn/attention.py ALL_ATTENTION_FUNCTIONS: the Literal AttentionImplementation. */
export const ATTENTION_IMPLEMENTATIONS = ['flash_attention_2', 'flex_attention', 'sdpa', 'ring_flash_triton', 'ring', 'llama3_ring_attention'] as const;

export const NANOTRON_DATACLASSES: Record<string, PyDataclass> = {
  Config: {
    file: 'src/nanotron/config/config.py',
    fields: {
      general: req(dc('GeneralArgs')),
      parallelism: req(dc('ParallelismArgs')),
      model: req(dc('ModelArgs')),
      tokenizer: def(opt(dc('TokenizerArgs'))),
      checkpoints: def(opt(dc('CheckpointsArgs'))),
      logging: def(opt(dc('LoggingArgs'))),
      metrics_logging: def(opt(dc('MetricsLoggingArgs'))),
      tokens: def(opt(dc('TokensArgs'))),
      optimizer: def(opt(dc('OptimizerArgs'))),
      data_stages: def(opt(list(dc('DatasetStageArgs')))),
      profiler: def(opt(dc('ProfilerArgs'))),
      lighteval: def(opt({ kind: 'unencoded', what: 'LightEvalConfig (lighteval_config.py)' })),
      s3_upload: def(opt(dc('S3UploadArgs'))),
    },
  },
  GeneralArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      project: req(str),
      run: def(opt(str)),
      seed: def(opt(int)),
      step: def(opt(int)),
      consumed_train_samples: def(opt(int)),
      benchmark_csv_path: def(opt(path)),
      ignore_sanity_checks: def(bool),
    },
  },
  ParallelismArgs: {
    file: 'src/nanotron/config/parallelism_config.py',
    fields: {
      dp: req(int),
      pp: req(int),
      tp: req(int),
      pp_engine: def(opt(enumOf(PP_ENGINES, 'utils_config.py cast_str_to_pipeline_engine'))),
      tp_mode: def(opt(enumOf(TP_MODES, 'TensorParallelLinearMode[x.upper()]', true))),
      tp_linear_async_communication: def(opt(bool)),
      recompute_layer: def(bool),
      tp_recompute_allgather: def(bool),
      expert_parallel_size: def(int),
      context_parallel_size: def(int),
    },
  },
  ModelArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      // NanotronConfigs = Union[LlamaConfig, Starcoder2Config, Qwen2Config, Any]: dacite takes
      // LlamaConfig only when every key is one of its fields; otherwise the dict falls through to
      // Any and ModelArgs.__post_init__ makes it a Qwen2Config (another model class). The studio's
      // models are Llamas, so the export must load as LlamaConfig.
      model_config: req(dc('LlamaConfig')),
      init_method: req(union(dc('RandomInit'), dc('SpectralMupInit'), dc('ExistingCheckpointInit'))),
      dtype: def(opt(enumOf(TORCH_DTYPES, 'utils_config.py cast_str_to_torch_dtype'))),
      make_vocab_size_divisible_by: def(int),
      ddp_bucket_cap_mb: def(int),
    },
  },
  LlamaConfig: {
    file: 'src/nanotron/config/models_config.py',
    fields: {
      bos_token_id: def(int),
      eos_token_id: def(int),
      hidden_act: def(enumOf(ACTIVATIONS, 'nn/activations.py ACT2CLS')),
      hidden_size: def(int),
      initializer_range: def(float),
      intermediate_size: def(int),
      is_llama_config: def(bool),
      max_position_embeddings: def(int),
      num_attention_heads: def(int),
      num_hidden_layers: def(int),
      attention_bias: def(bool),
      num_key_value_heads: def(opt(int)),
      pad_token_id: def(opt(int)),
      pretraining_tp: def(int),
      rms_norm_eps: def(float),
      rope_scaling: def(opt(dict(any))),
      rope_theta: def(float),
      rope_interleaved: def(bool),
      tie_word_embeddings: def(bool),
      use_cache: def(bool),
      vocab_size: def(int),
      _attn_implementation: def(opt(enumOf(ATTENTION_IMPLEMENTATIONS, 'nn/attention.py ALL_ATTENTION_FUNCTIONS (Literal)'))),
      z_loss_enabled: def(bool),
      z_loss_coefficient: def(float),
    },
  },
  RandomInit: {
    file: 'src/nanotron/config/models_config.py',
    fields: { std: req(float), scaling_method: def(enumOf(INIT_SCALING_METHODS, 'InitScalingMethod[x.upper()]', true)) },
  },
  SpectralMupInit: { file: 'src/nanotron/config/models_config.py', fields: { use_mup: req(bool) } },
  ExistingCheckpointInit: { file: 'src/nanotron/config/models_config.py', fields: { path: req(path) } },
  TokenizerArgs: {
    file: 'src/nanotron/config/config.py',
    fields: { tokenizer_name_or_path: def(opt(str)), tokenizer_revision: def(opt(str)), tokenizer_max_length: def(opt(int)) },
  },
  CheckpointsArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      checkpoints_path: req(path),
      checkpoint_interval: req(int),
      save_initial_state: def(opt(bool)),
      save_final_state: def(opt(bool)),
      resume_checkpoint_path: def(opt(path)),
      load_lr_scheduler: def(opt(bool)),
      load_optimizer: def(opt(bool)),
      checkpoints_path_is_shared_file_system: def(opt(bool)),
    },
  },
  LoggingArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      log_level: def(opt(enumOf(LOG_LEVELS, 'LoggingArgs.__post_init__'))),
      log_level_replica: def(opt(enumOf(LOG_LEVELS, 'LoggingArgs.__post_init__'))),
      iteration_step_info_interval: def(opt(int)),
    },
  },
  MetricsLoggingArgs: { file: 'src/nanotron/config/config.py', fields: { log_level: def(int), log_detail_interval: def(int) } },
  TokensArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      sequence_length: req(int),
      train_steps: req(int),
      micro_batch_size: req(int),
      batch_accumulation_per_replica: req(int),
      val_check_interval: def(opt(int)),
      limit_val_batches: def(opt(int)),
      limit_test_batches: def(opt(int)),
    },
  },
  OptimizerArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      optimizer_factory: req(union(dc('SGDOptimizerArgs'), dc('AdamWOptimizerArgs'))),
      zero_stage: req(int),
      weight_decay: req(float),
      // Optional[float] without a default: dacite fills None when it is missing.
      clip_grad: def(opt(float)),
      accumulate_grad_in_fp32: req(bool),
      learning_rate_scheduler: req(dc('LRSchedulerArgs')),
      weight_decay_exclude_named_params: def(opt(list(str))),
    },
  },
  SGDOptimizerArgs: { file: 'src/nanotron/config/config.py', fields: { name: def(enumOf(OPTIMIZER_NAMES, 'helpers.py init_optimizer_and_grad_accumulator')) } },
  AdamWOptimizerArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      adam_eps: req(float),
      adam_beta1: req(float),
      adam_beta2: req(float),
      torch_adam_is_fused: req(bool),
      name: def(enumOf(OPTIMIZER_NAMES, 'helpers.py init_optimizer_and_grad_accumulator')),
    },
  },
  LRSchedulerArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      learning_rate: req(float),
      lr_warmup_steps: def(int),
      // `str = None`, but __post_init__ checks it is in ['linear', 'constant'] before it fills the
      // default, so a missing or null lr_warmup_style raises: it is required in effect.
      lr_warmup_style: req(enumOf(LR_WARMUP_STYLES, 'LRSchedulerArgs.__post_init__')),
      lr_decay_style: def(opt(enumOf(LR_DECAY_STYLES, 'LRSchedulerArgs.__post_init__'))),
      lr_decay_steps: def(opt(int)),
      lr_decay_starting_step: def(opt(int)),
      min_decay_lr: def(opt(float)),
    },
  },
  DatasetStageArgs: {
    file: 'src/nanotron/config/config.py',
    fields: { name: req(str), start_training_step: req(int), data: req(dc('DataArgs')), sequence_length: def(opt(int)) },
  },
  DataArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      // None: run_train.py's dummy data generator (random tokens).
      dataset: def(opt(union(dc('PretrainDatasetsArgs'), dc('NanosetDatasetsArgs'), dc('SFTDatasetsArgs')))),
      seed: def(opt(int)),
      num_loading_workers: def(opt(int)),
    },
  },
  PretrainDatasetsArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      hf_dataset_or_datasets: req(union(str, list(any), dict(any))),
      hf_dataset_splits: def(opt(union(str, list(any)))),
      hf_dataset_config_name: def(opt(str)),
      dataset_processing_num_proc_per_process: def(opt(int)),
      dataset_overwrite_cache: def(opt(bool)),
      text_column_name: def(opt(str)),
    },
  },
  SFTDatasetsArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      hf_dataset_or_datasets: req(union(str, list(any), dict(any))),
      hf_dataset_splits: def(opt(union(str, list(any)))),
      hf_dataset_config_name: def(opt(str)),
      dataset_processing_num_proc_per_process: def(opt(int)),
      dataset_overwrite_cache: def(opt(bool)),
      sft_dataloader: def(opt(bool)),
      debug_max_samples: def(opt(int)),
    },
  },
  NanosetDatasetsArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      // Union[str, List[str]] (examples/config_nanoset.yaml's folder -> weight mapping is out of date: a dict fails both).
      dataset_folder: req(union(str, list(str))),
      dataset_weights: def(opt(list(float))),
      dataset_read_path: def(opt(union(str, list(str)))),
      // Read from the first *.metadata file of the folder when tokenizer_name is None.
      tokenizer_name: def(opt(str)),
      vocab_size: def(opt(int)),
      token_size_in_bytes: def(opt(int)),
      return_positions: def(opt(bool)),
      skip_in_stream: def(opt(bool)),
      pad_samples_to_global_batch_size: def(opt(bool)),
      dataset_max_tokens: def(opt(list(int))),
      shuffle_files: def(opt(bool)),
      use_old_brrr_dataloader: def(opt(bool)),
    },
  },
  ProfilerArgs: {
    file: 'src/nanotron/config/config.py',
    fields: {
      profiler_export_path: def(opt(path)),
      wait: def(int),
      warmup: def(int),
      active: def(int),
      repeat: def(int),
      skip_first: def(int),
      record_shapes: def(bool),
      profile_memory: def(bool),
      with_stack: def(bool),
      export_chrome_trace: def(bool),
    },
  },
  S3UploadArgs: {
    file: 'src/nanotron/config/config.py',
    fields: { upload_s3_path: req(path), remove_after_upload: req(bool), s5cmd_numworkers: def(opt(int)), s5cmd_concurrency: def(opt(int)), s5cmd_path: def(opt(path)) },
  },
};
