import { type Infer, object, optional, string } from './dsl.ts';

export const VirtualServiceProviderSchema = object(
  {
    virtualNode: optional(object({ virtualNodeName: string({ min: 1, max: 255 }) })),
    virtualRouter: optional(object({ virtualRouterName: string({ min: 1, max: 255 }) })),
  },
  { exactlyOne: ['virtualNode', 'virtualRouter'] },
);
export type VirtualServiceProvider = Infer<typeof VirtualServiceProviderSchema>;

export const VirtualServiceSpecSchema = object({ provider: optional(VirtualServiceProviderSchema) });
export type VirtualServiceSpec = Infer<typeof VirtualServiceSpecSchema>;
