{
  "targets": [
    {
      "target_name": "dln_native",
      "sources": ["dln_native.c"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-ffp-contract=off"],
      "include_dirs": ["<!@(node -p \"(process.env.DLN_BLAS_INCLUDE || '').split(':').filter(Boolean).join(' ')\")"],
      "libraries": [
        "<!@(node -p \"(process.env.DLN_BLAS_LIBDIR || '').split(':').filter(Boolean).map(d => '-L' + d + ' -Wl,-rpath,' + d).join(' ')\")",
        "<!@(node -p \"process.env.DLN_BLAS_LIBS || '-lopenblas -llapacke'\")"
      ],
      "defines": ["NAPI_VERSION=8"],
      "xcode_settings": { "OTHER_CFLAGS": ["-std=c11", "-ffp-contract=off"] }
    }
  ]
}
