
:
xPlaceholder*
dtype0*
shape:
:
fPlaceholder*
dtype0*
shape:
.
bPlaceholder*
dtype0*
shape:
í
fused_depthwise_FusedDepthwiseConv2dNativexfb*
T0*
data_formatNHWC*
	dilations
*
epsilon%·Ñ8*
	fused_ops
	BiasAdd*
leakyrelu_alpha%ÍÌL>*
num_args*
paddingVALID*
strides
"ª