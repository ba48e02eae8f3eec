"""Operations endpoints: health."""
