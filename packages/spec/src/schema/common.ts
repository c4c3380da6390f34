import { boolean, enumOf, type Infer, integer, list, object, optional, string } from './dsl.ts';

export const PROTOCOLS = ['grpc', 'http', 'http2', 'tcp'] as const;
export const GATEWAY_PROTOCOLS = ['grpc', 'http', 'http2'] as const;
export const IP_PREFERENCES = ['IPv4_ONLY', 'IPv4_PREFERRED', 'IPv6_ONLY', 'IPv6_PREFERRED'] as const;
export const HTTP_METHODS = [
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
] as const;
export const TLS_MODES = ['DISABLED', 'PERMISSIVE', 'STRICT'] as const;
export const DURATION_UNITS = ['ms', 's'] as const;

export const ProtocolSchema = enumOf(PROTOCOLS);
export type PortProtocol = Infer<typeof ProtocolSchema>;
export const IpPreferenceSchema = enumOf(IP_PREFERENCES);
export type IpPreference = Infer<typeof IpPreferenceSchema>;
export const HttpMethodSchema = enumOf(HTTP_METHODS);
export type HttpMethod = Infer<typeof HttpMethodSchema>;

export const portNumber = () => integer({ min: 1, max: 65535 });

export const DurationSchema = object({
  value: optional(integer({ min: 0 })),
  unit: optional(enumOf(DURATION_UNITS)),
});
export type Duration = Infer<typeof DurationSchema>;

export const PortMappingSchema = object({ port: portNumber(), protocol: ProtocolSchema });
export type PortMapping = Infer<typeof PortMappingSchema>;

export const HealthCheckPolicySchema = object({
  timeoutMillis: integer({ min: 2000, max: 60000 }),
  intervalMillis: integer({ min: 5000, max: 300000 }),
  protocol: ProtocolSchema,
  port: optional(portNumber()),
  path: optional(string()),
  healthyThreshold: integer({ min: 2, max: 10 }),
  unhealthyThreshold: integer({ min: 2, max: 10 }),
});
export type HealthCheckPolicy = Infer<typeof HealthCheckPolicySchema>;

// --- TLS -----------------------------------------------------------------------------------------------

export const TlsFileCertificateSchema = object({
  certificateChain: string({ min: 1, max: 255 }),
  privateKey: string({ min: 1, max: 255 }),
});
export type ListenerTlsFileCertificate = Infer<typeof TlsFileCertificateSchema>;
export const TlsSdsCertificateSchema = object({ secretName: string() });
export type ListenerTlsSdsCertificate = Infer<typeof TlsSdsCertificateSchema>;
export const TlsAcmCertificateSchema = object({ certificateArn: string() });
export type ListenerTlsAcmCertificate = Infer<typeof TlsAcmCertificateSchema>;

export const ListenerTlsCertificateSchema = object(
  {
    acm: optional(TlsAcmCertificateSchema),
    file: optional(TlsFileCertificateSchema),
    sds: optional(TlsSdsCertificateSchema),
  },
  { exactlyOne: ['acm', 'file', 'sds'] },
);
export type ListenerTlsCertificate = Infer<typeof ListenerTlsCertificateSchema>;

export const ClientTlsCertificateSchema = object(
  { file: optional(TlsFileCertificateSchema), sds: optional(TlsSdsCertificateSchema) },
  { exactlyOne: ['file', 'sds'] },
);
export type ClientTlsCertificate = Infer<typeof ClientTlsCertificateSchema>;

export const TlsValidationContextFileTrustSchema = object({ certificateChain: string({ min: 1, max: 255 }) });
export type TlsValidationContextFileTrust = Infer<typeof TlsValidationContextFileTrustSchema>;
export const TlsValidationContextSdsTrustSchema = object({ secretName: string() });
export type TlsValidationContextSdsTrust = Infer<typeof TlsValidationContextSdsTrustSchema>;
export const TlsValidationContextAcmTrustSchema = object({
  certificateAuthorityArns: list(string(), { min: 1, max: 3 }),
});
export type TlsValidationContextAcmTrust = Infer<typeof TlsValidationContextAcmTrustSchema>;

export const SubjectAlternativeNamesSchema = object({
  match: object({ exact: list(string({ min: 1, max: 254 })) }),
});
export type SubjectAlternativeNames = Infer<typeof SubjectAlternativeNamesSchema>;

export const ListenerTlsValidationContextSchema = object({
  trust: object(
    {
      file: optional(TlsValidationContextFileTrustSchema),
      sds: optional(TlsValidationContextSdsTrustSchema),
    },
    { exactlyOne: ['file', 'sds'] },
  ),
  subjectAlternativeNames: optional(SubjectAlternativeNamesSchema),
});
export type ListenerTlsValidationContext = Infer<typeof ListenerTlsValidationContextSchema>;

export const TlsValidationContextSchema = object({
  trust: object(
    {
      acm: optional(TlsValidationContextAcmTrustSchema),
      file: optional(TlsValidationContextFileTrustSchema),
      sds: optional(TlsValidationContextSdsTrustSchema),
    },
    { exactlyOne: ['acm', 'file', 'sds'] },
  ),
  subjectAlternativeNames: optional(SubjectAlternativeNamesSchema),
});
export type TlsValidationContext = Infer<typeof TlsValidationContextSchema>;

export const ListenerTlsSchema = object({
  mode: enumOf(TLS_MODES),
  certificate: ListenerTlsCertificateSchema,
  validation: optional(ListenerTlsValidationContextSchema),
});
export type ListenerTls = Infer<typeof ListenerTlsSchema>;

export const ClientPolicySchema = object({
  tls: optional(
    object({
      enforce: optional(boolean()),
      ports: optional(list(portNumber())),
      certificate: optional(ClientTlsCertificateSchema),
      validation: TlsValidationContextSchema,
    }),
  ),
});
export type ClientPolicy = Infer<typeof ClientPolicySchema>;
export type ClientPolicyTls = NonNullable<ClientPolicy['tls']>;

export const BackendDefaultsSchema = object({ clientPolicy: optional(ClientPolicySchema) });
export type BackendDefaults = Infer<typeof BackendDefaultsSchema>;

// --- Logging -------------------------------------------------------------------------------------------

export const LoggingFormatSchema = object(
  {
    text: optional(string({ min: 1, max: 1000 })),
    json: optional(list(object({ key: string({ min: 1, max: 100 }), value: string({ min: 1, max: 100 }) }))),
  },
  { exactlyOne: ['text', 'json'] },
);
export type LoggingFormat = Infer<typeof LoggingFormatSchema>;

export const LoggingSchema = object({
  accessLog: optional(
    object(
      {
        file: optional(object({ path: string({ min: 1, max: 255 }), format: optional(LoggingFormatSchema) })),
      },
      { exactlyOne: ['file'] },
    ),
  ),
});
export type Logging = Infer<typeof LoggingSchema>;
export type AccessLog = NonNullable<Logging['accessLog']>;
export type FileAccessLog = NonNullable<AccessLog['file']>;

// --- Timeouts ------------------------------------------------------------------------------------------

export const TcpTimeoutSchema = object({ idle: optional(DurationSchema) });
export type TcpTimeout = Infer<typeof TcpTimeoutSchema>;
export const HttpTimeoutSchema = object({
  perRequest: optional(DurationSchema),
  idle: optional(DurationSchema),
});
export type HttpTimeout = Infer<typeof HttpTimeoutSchema>;
export type GrpcTimeout = HttpTimeout;

// --- Route matching --------------------------------------------------------------------------------------

export const MatchRangeSchema = object({ start: integer(), end: integer() });
export type MatchRange = Infer<typeof MatchRangeSchema>;

const matchValue = () => optional(string({ min: 1, max: 255 }));
export const HeaderMatchMethodSchema = object(
  {
    exact: matchValue(),
    regex: matchValue(),
    range: optional(MatchRangeSchema),
    prefix: matchValue(),
    suffix: matchValue(),
  },
  { exactlyOne: ['exact', 'regex', 'range', 'prefix', 'suffix'] },
);
export type HeaderMatchMethod = Infer<typeof HeaderMatchMethodSchema>;

export const HeaderMatchSchema = object({
  name: string({ min: 1, max: 50 }),
  invert: optional(boolean()),
  match: optional(HeaderMatchMethodSchema),
});
export type HttpRouteHeader = Infer<typeof HeaderMatchSchema>;
export type GrpcRouteMetadata = HttpRouteHeader;

export const HttpPathMatchSchema = object(
  { exact: matchValue(), regex: matchValue() },
  { atMostOne: [['exact', 'regex']] },
);
export type HttpPathMatch = Infer<typeof HttpPathMatchSchema>;

export const HttpQueryParameterSchema = object({
  name: string(),
  match: optional(object({ exact: optional(string()) })),
});
export type HttpQueryParameter = Infer<typeof HttpQueryParameterSchema>;
