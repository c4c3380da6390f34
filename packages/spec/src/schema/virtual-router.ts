import { PortMappingSchema } from './common.ts';
import { type Infer, list, object, optional } from './dsl.ts';

export const VirtualRouterListenerSchema = object({ portMapping: PortMappingSchema });
export type VirtualRouterListener = Infer<typeof VirtualRouterListenerSchema>;

export const VirtualRouterSpecSchema = object({ listeners: optional(list(VirtualRouterListenerSchema)) });
export type VirtualRouterSpec = Infer<typeof VirtualRouterSpecSchema>;
